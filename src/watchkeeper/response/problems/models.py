"""Problem tables: the record and the incidents linked to it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.db.base import Base


class Problem(Base):
    """The underlying cause of one or more incidents. A `known_error` has a workaround
    that every open incident linked to it, or like it, shows."""

    __tablename__ = "problems"
    __table_args__ = (Index("ix_problems_status_updated", "status", "updated_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(14))  # new, investigating, known_error, resolved
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    root_cause: Mapped[str] = mapped_column(Text, default="")
    workaround: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]


class ProblemIncident(Base):
    """An incident caused by a problem (many to many)."""

    __tablename__ = "problem_incidents"

    problem_id: Mapped[int] = mapped_column(
        ForeignKey("problems.id", ondelete="CASCADE"), primary_key=True
    )
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    linked_at: Mapped[datetime]
