"""Opsgenie's alert record, its tags and notes, and the log of accepted requests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.db.base import Base


class OpsgenieAlert(Base):
    """One Opsgenie alert. `id` is its tiny id; `uid` the id clients see. At most one open
    alert per service and alias (a partial unique index): a repeat bumps `count`."""

    __tablename__ = "opsgenie_alerts"
    __table_args__ = (
        Index(
            "uq_opsgenie_alerts_open_alias",
            "service_id",
            "alias",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        Index("ix_opsgenie_alerts_service_alias", "service_id", "alias"),
        Index("ix_opsgenie_alerts_service_created", "service_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    integration_id: Mapped[int | None] = mapped_column(
        ForeignKey("integrations.id", ondelete="SET NULL")
    )
    alias: Mapped[str] = mapped_column(String(512))
    status: Mapped[str] = mapped_column(String(6))  # open, closed
    acknowledged: Mapped[bool]
    is_seen: Mapped[bool]
    message: Mapped[str] = mapped_column(String(130))
    description: Mapped[str] = mapped_column(Text)
    priority: Mapped[str] = mapped_column(String(2))
    source: Mapped[str] = mapped_column(String(100))
    entity: Mapped[str] = mapped_column(String(512))
    owner: Mapped[str] = mapped_column(String(100))
    tags: Mapped[list[str]] = mapped_column(JSON)
    details: Mapped[dict[str, str]] = mapped_column(JSON)
    actions: Mapped[list[str]] = mapped_column(JSON)
    responders: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    visible_to: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    count: Mapped[int]
    snoozed_until: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    last_occurred_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str] = mapped_column(String(100))
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str] = mapped_column(String(100))


class OpsgenieTag(Base):
    """A tag of an alert, one row each, so a `tag:` search is an indexed EXISTS."""

    __tablename__ = "opsgenie_alert_tags"
    __table_args__ = (Index("ix_opsgenie_alert_tags_tag", "tag"),)

    alert_id: Mapped[int] = mapped_column(
        ForeignKey("opsgenie_alerts.id", ondelete="CASCADE"), primary_key=True
    )
    tag: Mapped[str] = mapped_column(String(50), primary_key=True)


class OpsgenieNote(Base):
    """A note added to an alert (on create, with an action, or on its own)."""

    __tablename__ = "opsgenie_alert_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(
        ForeignKey("opsgenie_alerts.id", ondelete="CASCADE"), index=True
    )
    note: Mapped[str] = mapped_column(Text)
    owner: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime]


class OpsgenieRequest(Base):
    """An accepted request and its outcome, for `GET /v2/alerts/requests/{requestId}`."""

    __tablename__ = "opsgenie_requests"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    integration_id: Mapped[int | None] = mapped_column(
        ForeignKey("integrations.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(40))
    success: Mapped[bool]
    status: Mapped[str] = mapped_column(String(255))
    alert_uid: Mapped[str] = mapped_column(String(36))
    alias: Mapped[str] = mapped_column(String(512))
    processed_at: Mapped[datetime] = mapped_column(index=True)
