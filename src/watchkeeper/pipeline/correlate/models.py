"""Alerts: the deduplicated state of a problem signal, and the history that spots flapping."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.db.base import Base

OPEN_ALERT = ("firing", "acknowledged")  # an alert's states until it resolves


class Alert(Base):
    """Open alerts are unique per service and fingerprint (a partial unique index); repeated
    triggers bump `count` and `last_seen_at` instead of opening anything new."""

    __tablename__ = "alerts"
    __table_args__ = (
        Index(
            "uq_alerts_open_fingerprint",
            "service_id",
            "fingerprint",
            unique=True,
            sqlite_where=text("status != 'resolved'"),
            postgresql_where=text("status != 'resolved'"),
        ),
        Index("ix_alerts_status_seen", "status", "last_seen_at", "id"),
        Index("ix_alerts_incident", "incident_id"),
        Index("ix_alerts_first_seen", "first_seen_at"),  # the noise report's range
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    integration_id: Mapped[int | None] = mapped_column(
        ForeignKey("integrations.id", ondelete="SET NULL")
    )
    fingerprint: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(12))  # firing, acknowledged, resolved
    summary: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(10))
    source: Mapped[str] = mapped_column(String(255))
    labels: Mapped[dict[str, str]] = mapped_column(JSON)
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
    links: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    count: Mapped[int]
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="SET NULL"))
    # Why it never paged: "silenced by #3", "maintenance", "inhibited by alert #12", ...
    suppressed_reason: Mapped[str | None] = mapped_column(String(255))
    flapping: Mapped[bool]
    last_event_id: Mapped[int | None]


class FlapHistory(Base):
    """Recent state changes of one fingerprint, across the alerts it has been."""

    __tablename__ = "alert_flaps"

    service_id: Mapped[int] = mapped_column(
        ForeignKey("services.id", ondelete="CASCADE"), primary_key=True
    )
    fingerprint: Mapped[str] = mapped_column(String(255), primary_key=True)
    changes: Mapped[list[str]] = mapped_column(JSON)  # ISO times, newest last, bounded
    flapping_since: Mapped[datetime | None]
