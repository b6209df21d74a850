"""Use cases of checks: create, replace, pause, delete. Targets are vetted here, so a
check that may not reach its target is refused when it is made, with the reason."""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.catalog.services import service as services
from watchkeeper.core.errors import FieldError
from watchkeeper.monitoring.checks import decide, runs
from watchkeeper.monitoring.checks.errors import CheckNotFound, InternalNeedsAdmin, TargetRefused
from watchkeeper.monitoring.checks.models import Check
from watchkeeper.monitoring.checks.probes.prober import refused
from watchkeeper.monitoring.checks.schemas import CheckIn, Common
from watchkeeper.pipeline.ingest.events import Action
from watchkeeper.pipeline.notify.channels.guard import OutboundGuard

Resolve = Callable[[str], Sequence[str]]
_COMMON = set(Common.model_fields) | {"kind"}


def addresses(host: str) -> list[str]:
    """The addresses `host` stands for; none when it does not resolve (the check will
    then say so when it runs)."""
    try:
        ipaddress.ip_address(host)
        return [host]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return []
    return [str(info[4][0]) for info in infos]


def target_of(data: CheckIn) -> str:
    if data.kind == "http":
        return data.url
    if data.kind == "dns":
        return data.host
    host = f"[{data.host}]" if ":" in data.host else data.host
    return f"{host}:{data.port}"


def _destination(data: CheckIn) -> tuple[str, str] | None:
    """The host a check connects to, and the field that names it."""
    if data.kind == "http":
        return urlsplit(data.url).hostname or "", "url"
    if data.kind == "dns":
        return (data.nameserver, "nameserver") if data.nameserver else None
    return data.host, "host"


def vet(data: CheckIn, *, admin: bool, allow: OutboundGuard, resolve: Resolve = addresses) -> None:
    """Refuse a target off limits: public addresses are for everyone, the networks the
    admin allow-listed for checks only for admins, everything else for no one."""
    found = _destination(data)
    if found is None:
        return
    host, field = found
    public = OutboundGuard(())
    for address in resolve(host):
        if public.allows(address):
            continue
        if not allow.allows(address):
            raise TargetRefused(refused(host), errors=[FieldError(f"body.{field}", refused(host))])
        if not admin:
            raise InternalNeedsAdmin(
                f"{host} is on an internal network that checks may reach; "
                "only an admin may create or change a check that reaches it"
            )


def _values(data: CheckIn) -> dict[str, Any]:
    dumped = data.model_dump(mode="json")
    return {
        "service_id": data.service_id,
        "name": data.name,
        "kind": data.kind,
        "target": target_of(data),
        "spec": {key: value for key, value in dumped.items() if key not in _COMMON},
        "interval_seconds": data.interval_seconds,
        "timeout_seconds": data.timeout_seconds,
        "retries": data.retries,
        "severity": data.severity,
        "paused": data.paused,
    }


def create(
    session: Session,
    *,
    data: CheckIn,
    user_id: int | None,
    admin: bool,
    allow: OutboundGuard,
    now: datetime,
    resolve: Resolve = addresses,
) -> Check:
    services.get(session, service_id=data.service_id)  # NotFound says which
    vet(data, admin=admin, allow=allow, resolve=resolve)
    check = Check(
        **_values(data),
        internal=admin,
        created_by=user_id,
        created_at=now,
        updated_at=now,
        next_due_at=now,
        claimed_until=None,
        status="new",
        failures=0,
    )
    session.add(check)
    session.flush()
    return check


def get(session: Session, *, check_id: int) -> Check:
    check = session.get(Check, check_id)
    if check is None:
        raise CheckNotFound(f"no check {check_id}")
    return check


def list_(session: Session, *, service_id: int | None = None) -> Sequence[Check]:
    query = select(Check).order_by(Check.name, Check.id)
    if service_id is not None:
        query = query.where(Check.service_id == service_id)
    return session.scalars(query).all()


def replace(
    session: Session,
    *,
    check_id: int,
    data: CheckIn,
    admin: bool,
    allow: OutboundGuard,
    now: datetime,
    resolve: Resolve = addresses,
) -> Check:
    """A new definition; it runs at once. Who saves it last decides what it may reach."""
    check = get(session, check_id=check_id)
    services.get(session, service_id=data.service_id)
    vet(data, admin=admin, allow=allow, resolve=resolve)
    if check.status == "down" and (data.kind != check.kind or data.paused):
        _resolve(session, check, now, "the check was changed")
    for name, value in _values(data).items():
        setattr(check, name, value)
    check.internal = admin
    check.updated_at = now
    check.next_due_at = now
    check.expiry_warned_days = None if data.kind != "tls" else check.expiry_warned_days
    return check


def set_paused(session: Session, *, check_id: int, paused: bool, now: datetime) -> Check:
    """Pause (a down check's alert is resolved: nobody watches it now) or resume (runs now)."""
    check = get(session, check_id=check_id)
    if paused and not check.paused and check.status == "down":
        _resolve(session, check, now, "the check was paused")
    if not paused and check.paused:
        check.next_due_at = now
    if paused and check.status == "down":
        check.status, check.down_since, check.failures = "new", None, 0
    check.paused = paused
    check.updated_at = now
    return check


def delete(session: Session, *, check_id: int, now: datetime) -> None:
    check = get(session, check_id=check_id)
    if check.status == "down":
        _resolve(session, check, now, "the check was deleted")
    session.delete(check)


def _resolve(session: Session, check: Check, now: datetime, why: str) -> None:
    state = decide.State(
        id=check.id,
        service_id=check.service_id,
        name=check.name,
        kind=check.kind,
        target=check.target,
        severity=check.severity,
        retries=check.retries,
        interval_seconds=check.interval_seconds,
        status=check.status,
        failures=check.failures,
        down_since=check.down_since,
        expiry_warned_days=None,
        warn_days=(),
    )
    event = decide.event(state, Action.RESOLVE, f"{check.name}: {why}", now)
    runs.write_events(session, [(check.service_id, event)], now)
