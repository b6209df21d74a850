"""Integrations (inbound keys), accepted events, raw payloads, change events, heartbeats."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from watchkeeper.db.base import Base

INTEGRATION_TYPES = ("alertmanager", "pagerduty", "grafana", "generic", "heartbeat")
_TYPES_CHECK = "type IN (" + ", ".join(f"'{t}'" for t in INTEGRATION_TYPES) + ")"
# BIGINT on PostgreSQL; SQLite only auto-numbers a column declared exactly INTEGER.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Integration(Base):
    """An inbound source bound to a service; its key is secret and stored hashed."""

    __tablename__ = "integrations"
    __table_args__ = (CheckConstraint(_TYPES_CHECK, name="type"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("services.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    key_prefix: Mapped[str] = mapped_column(String(20))
    # After a rotation the old key keeps working until `previous_valid_until`.
    previous_key_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    previous_valid_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    rotated_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    # Loaded only when read (the API's answer); intake never touches it.
    heartbeat: Mapped[Heartbeat | None] = relationship(viewonly=True, lazy="select")


class RawPayload(Base):
    """Exactly what arrived (bounded), so an operator can see it; deleted after retention."""

    __tablename__ = "raw_payloads"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    integration_id: Mapped[int | None] = mapped_column(
        ForeignKey("integrations.id", ondelete="SET NULL")
    )
    received_at: Mapped[datetime] = mapped_column(index=True)
    content_type: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    size: Mapped[int]
    truncated: Mapped[bool]


class Event(Base):
    """One accepted, normalized event; the correlate stage takes them in id order, per lane."""

    __tablename__ = "events"
    __table_args__ = (
        # Pending events by lane (the service they were sent to), and by fingerprint so
        # that correlation can keep one fingerprint's events in order across lanes.
        Index(
            "ix_events_pending_lane",
            "service_id",
            "id",
            sqlite_where=text("processed_at IS NULL"),
            postgresql_where=text("processed_at IS NULL"),
        ),
        Index(
            "ix_events_pending_fingerprint",
            "fingerprint",
            "id",
            sqlite_where=text("processed_at IS NULL"),
            postgresql_where=text("processed_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    integration_id: Mapped[int | None] = mapped_column(
        ForeignKey("integrations.id", ondelete="SET NULL"), index=True
    )
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    received_at: Mapped[datetime]
    action: Mapped[str] = mapped_column(String(12))
    fingerprint: Mapped[str] = mapped_column(String(255))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    raw_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("raw_payloads.id", ondelete="SET NULL")
    )
    processed_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(200))


class ChangeEventRow(Base):
    """A deploy or config change on a service (PagerDuty change events and the like)."""

    __tablename__ = "change_events"
    __table_args__ = (Index("ix_change_events_service_time", "service_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    integration_id: Mapped[int | None] = mapped_column(
        ForeignKey("integrations.id", ondelete="SET NULL")
    )
    occurred_at: Mapped[datetime]
    received_at: Mapped[datetime]
    summary: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(255))
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    links: Mapped[list[dict[str, str]]] = mapped_column(JSON)


class Heartbeat(Base):
    """A cron job that must check in every `period` (plus `grace`) or be declared down."""

    __tablename__ = "heartbeats"

    integration_id: Mapped[int] = mapped_column(
        ForeignKey("integrations.id", ondelete="CASCADE"), primary_key=True
    )
    period_seconds: Mapped[int]
    grace_seconds: Mapped[int]
    # new (never pinged), up, running (started), down (late), failed (reported failure)
    status: Mapped[str] = mapped_column(String(10))
    last_ping_at: Mapped[datetime | None]
    last_start_at: Mapped[datetime | None]
    deadline_at: Mapped[datetime | None] = mapped_column(index=True)
    down_since: Mapped[datetime | None]
