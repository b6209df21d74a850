"""The recurrence check of each new incident: done once, with what it found."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.db.base import Base


class RecurrenceCheck(Base):
    """`matched_id` is the most similar past incident (None: nothing alike); `warning` the
    sentence shown at the top of the page, empty when the match left nothing open."""

    __tablename__ = "recurrence_checks"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    matched_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text, default="")
    warning: Mapped[str] = mapped_column(Text, default="")
    # A known error (problem) whose services and alert fingerprints this incident matches.
    problem_id: Mapped[int | None] = mapped_column(ForeignKey("problems.id", ondelete="SET NULL"))
    checked_at: Mapped[datetime]
