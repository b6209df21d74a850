"""Drills (what to fire, where, how often) and their runs (each firing and who answered)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.db.base import Base


class Drill(Base):
    """A test incident for a service; `cron` (in `zone`) fires it on a schedule."""

    __tablename__ = "drills"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    ack_limit_minutes: Mapped[int]
    cron: Mapped[str | None] = mapped_column(String(100))
    zone: Mapped[str] = mapped_column(String(64), default="UTC")
    next_at: Mapped[datetime | None] = mapped_column(index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class DrillRun(Base):
    """One firing: the event's dedup key finds the incident the pipeline made of it; the
    engine then records who was paged, the acknowledgement and how long it took."""

    __tablename__ = "drill_runs"
    __table_args__ = (
        Index("ix_drill_runs_drill", "drill_id", "id"),
        Index("ix_drill_runs_status", "status", "id"),
        Index("ix_drill_runs_incident", "incident_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    drill_id: Mapped[int] = mapped_column(ForeignKey("drills.id", ondelete="CASCADE"))
    dedup_key: Mapped[str] = mapped_column(String(100), unique=True)
    fired_at: Mapped[datetime]
    fired_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="SET NULL"))
    # fired -> acknowledged, or fired -> unanswered (reported to the drill's creator)
    status: Mapped[str] = mapped_column(String(12))
    deadline_at: Mapped[datetime]
    paged: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(String(100))
    ack_seconds: Mapped[int | None]
    reported_at: Mapped[datetime | None]
