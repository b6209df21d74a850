"""The action item table."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.db.base import Base


class ActionItem(Base):
    """A follow-up with an owner and a due date. `done_at` is kept for analytics (time to
    complete); the two reminder stamps make each reminder go out once."""

    __tablename__ = "action_items"
    __table_args__ = (
        CheckConstraint("priority BETWEEN 1 AND 5", name="priority"),
        Index("ix_action_items_owner_status", "owner_id", "status", "due_on"),
        Index("ix_action_items_team_status", "team_id", "status", "due_on"),
        Index("ix_action_items_status_due", "status", "due_on", "id"),
        Index("ix_action_items_postmortem", "postmortem_id"),
        Index("ix_action_items_incident", "incident_id"),
        Index("ix_action_items_problem", "problem_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id", ondelete="SET NULL"))
    due_on: Mapped[date | None] = mapped_column(Date)
    priority: Mapped[int] = mapped_column(SmallInteger)
    status: Mapped[str] = mapped_column(String(12))  # open, in_progress, done, wont_do
    wont_do_reason: Mapped[str] = mapped_column(Text, default="")
    external_url: Mapped[str | None] = mapped_column(String(2000))
    postmortem_id: Mapped[int | None] = mapped_column(
        ForeignKey("postmortems.id", ondelete="SET NULL")
    )
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="SET NULL"))
    problem_id: Mapped[int | None] = mapped_column(ForeignKey("problems.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    done_at: Mapped[datetime | None]
    reminded_soon_at: Mapped[datetime | None]
    reminded_overdue_at: Mapped[datetime | None]
