"""Escalation policies, the per-incident escalation state, and pages (who was woken)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.db.base import Base


class EscalationPolicy(Base):
    __tablename__ = "escalation_policies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(String(2000), default="")
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    # How many times the whole policy runs again after its last level (0: once).
    repeat: Mapped[int]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class EscalationLevel(Base):
    """Targets are `[{"type": "user"|"schedule"|"team", "id": N}, ...]`; `delay_minutes`
    is how long this level waits for an acknowledgement before the next one."""

    __tablename__ = "escalation_levels"

    id: Mapped[int] = mapped_column(primary_key=True)
    policy_id: Mapped[int] = mapped_column(
        ForeignKey("escalation_policies.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    delay_minutes: Mapped[int]
    targets: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


class Escalation(Base):
    """A running escalation: a snapshot of the policy taken when the incident triggered,
    so later edits of the policy do not break it."""

    __tablename__ = "escalations"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    policy_id: Mapped[int | None]
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Which trigger of the incident this escalation is for (its reopen count).
    generation: Mapped[int]
    level: Mapped[int]
    round: Mapped[int]
    next_at: Mapped[datetime | None] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(10))  # active, stopped, done
    started_at: Mapped[datetime]
    last_assignee_id: Mapped[int | None]


class Page(Base):
    """One person woken for one incident, by a level, by hand, or on assignment."""

    __tablename__ = "pages"
    __table_args__ = (
        Index(
            "ix_pages_unplanned",
            "id",
            sqlite_where=text("planned = 0"),
            postgresql_where=text("planned = false"),
        ),
        Index("ix_pages_created", "created_at"),  # the on-call load report's range
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(200))
    level: Mapped[int | None]
    urgency: Mapped[str] = mapped_column(String(4))  # high, low
    created_at: Mapped[datetime]
    planned: Mapped[bool]
