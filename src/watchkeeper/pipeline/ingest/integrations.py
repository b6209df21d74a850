"""Integrations: create (the key is shown once), find by key, rotate with a grace period,
revoke. Callers own the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from watchkeeper.catalog.services.models import Service
from watchkeeper.core.errors import Conflict, FieldError, Invalid, NotFound
from watchkeeper.core.secrets import display_prefix, hash_token, new_token, token_pattern
from watchkeeper.pipeline.ingest.models import INTEGRATION_TYPES, Heartbeat, Integration

KEY_KIND = "int"
KEY_PATTERN = token_pattern(KEY_KIND)
DEFAULT_GRACE = timedelta(hours=24)


@dataclass(frozen=True)
class Target:
    """What a key opens: the integration, its service and its type."""

    integration_id: int
    service_id: int
    type: str
    name: str


def create(
    session: Session,
    *,
    service_id: int,
    type_: str,
    name: str,
    now: datetime,
    period_seconds: int | None = None,
    grace_seconds: int | None = None,
) -> tuple[Integration, str]:
    """Add an integration to a service; returns it and its key (shown this once)."""
    if session.get(Service, service_id) is None:
        raise NotFound(f"no service {service_id}")
    if type_ not in INTEGRATION_TYPES:
        raise Invalid(
            f"unknown integration type {type_!r}",
            errors=[FieldError("body.type", "one of " + ", ".join(INTEGRATION_TYPES))],
        )
    key = new_token(KEY_KIND)
    integration = Integration(
        service_id=service_id,
        type=type_,
        name=name,
        key_hash=hash_token(key),
        key_prefix=display_prefix(key),
        created_at=now,
    )
    session.add(integration)
    session.flush()
    if type_ == "heartbeat":
        session.add(
            Heartbeat(
                integration_id=integration.id,
                period_seconds=period_seconds or 3600,
                grace_seconds=grace_seconds if grace_seconds is not None else 300,
                status="new",
            )
        )
        session.flush()
    return integration, key


def find(session: Session, *, key: str, now: datetime) -> Target | None:
    """The live integration a key opens (current key, or the previous one in its grace)."""
    digest = hash_token(key)
    integration = session.scalar(
        select(Integration).where(
            or_(Integration.key_hash == digest, Integration.previous_key_hash == digest),
            Integration.revoked_at.is_(None),
        )
    )
    if integration is None:
        return None
    if integration.key_hash != digest and (
        integration.previous_valid_until is None or integration.previous_valid_until <= now
    ):
        return None
    return Target(integration.id, integration.service_id, integration.type, integration.name)


def get(session: Session, *, integration_id: int) -> Integration:
    integration = session.get(Integration, integration_id)
    if integration is None:
        raise NotFound(f"no integration {integration_id}")
    return integration


def list_(session: Session, *, service_id: int) -> Sequence[Integration]:
    stmt = select(Integration).where(Integration.service_id == service_id)
    return session.scalars(stmt.order_by(Integration.id)).all()


def rotate(
    session: Session, *, integration_id: int, now: datetime, grace: timedelta = DEFAULT_GRACE
) -> tuple[Integration, str]:
    """Issue a new key; the old one keeps working for `grace`, so senders can switch."""
    integration = get(session, integration_id=integration_id)
    if integration.revoked_at is not None:
        raise Conflict("this integration is revoked; create a new one")
    key = new_token(KEY_KIND)
    integration.previous_key_hash = integration.key_hash
    integration.previous_valid_until = now + grace
    integration.key_hash = hash_token(key)
    integration.key_prefix = display_prefix(key)
    integration.rotated_at = now
    session.flush()
    return integration, key


def update(
    session: Session,
    *,
    integration_id: int,
    name: str | None = None,
    period_seconds: int | None = None,
    grace_seconds: int | None = None,
) -> Integration:
    """Rename; for a heartbeat, change its timing, and move a pending deadline with it."""
    integration = get(session, integration_id=integration_id)
    if name is not None:
        integration.name = name
    if period_seconds is None and grace_seconds is None:
        return integration
    heartbeat = session.get(Heartbeat, integration_id, with_for_update=True)
    if heartbeat is None:
        field = "period_seconds" if period_seconds is not None else "grace_seconds"
        raise Invalid(
            "only a heartbeat has a period and a grace",
            errors=[FieldError(f"body.{field}", "only a heartbeat has a period and a grace")],
        )
    if period_seconds is not None:
        heartbeat.period_seconds = period_seconds
    if grace_seconds is not None:
        heartbeat.grace_seconds = grace_seconds
    heartbeat.deadline_at = _deadline(heartbeat)
    session.flush()
    return integration


def _deadline(heartbeat: Heartbeat) -> datetime | None:
    """When the heartbeat is late under its current timing (none while down or new)."""
    grace = timedelta(seconds=heartbeat.grace_seconds)
    if heartbeat.status == "running" and heartbeat.last_start_at is not None:
        return heartbeat.last_start_at + grace
    if heartbeat.status == "up" and heartbeat.last_ping_at is not None:
        return heartbeat.last_ping_at + timedelta(seconds=heartbeat.period_seconds) + grace
    return heartbeat.deadline_at


def revoke(session: Session, *, integration_id: int, now: datetime) -> Integration:
    """Stop accepting the integration's keys (idempotent)."""
    integration = get(session, integration_id=integration_id)
    if integration.revoked_at is None:
        integration.revoked_at = now
    return integration
