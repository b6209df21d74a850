"""Postmortem tables: the document, the incidents it covers, its reviewers, the template
its sections come from, and the due reminders already sent."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.db.base import Base

_USER_FK = "users.id"


class Postmortem(Base):
    """One review of one incident (its lead incident; merged or related ones join through
    `postmortem_incidents`). `facts` is what the draft found, kept as drafted so the
    document does not change under its readers when the incident's record does."""

    __tablename__ = "postmortems"
    __table_args__ = (Index("ix_postmortems_status_updated", "status", "updated_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), unique=True
    )
    title: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(12))  # draft, in_review, published
    owner_id: Mapped[int | None] = mapped_column(ForeignKey(_USER_FK, ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    facts: Mapped[dict[str, Any]] = mapped_column(JSON)
    mitigated_at: Mapped[datetime | None]
    public: Mapped[bool] = mapped_column(default=False)
    public_summary: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey(_USER_FK, ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    published_at: Mapped[datetime | None]


class PostmortemIncident(Base):
    """Another incident a postmortem covers (a merged duplicate, a related one)."""

    __tablename__ = "postmortem_incidents"

    postmortem_id: Mapped[int] = mapped_column(
        ForeignKey("postmortems.id", ondelete="CASCADE"), primary_key=True
    )
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True, unique=True
    )


class PostmortemReview(Base):
    """A reviewer asked to read a postmortem, and when they approved it."""

    __tablename__ = "postmortem_reviews"

    postmortem_id: Mapped[int] = mapped_column(
        ForeignKey("postmortems.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey(_USER_FK, ondelete="CASCADE"), primary_key=True)
    requested_at: Mapped[datetime]
    approved_at: Mapped[datetime | None]


class PostmortemTemplate(Base):
    """The sections a new postmortem starts with; one row, edited by admins (absent: the
    built-in default list)."""

    __tablename__ = "postmortem_templates"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    sections: Mapped[list[str]] = mapped_column(JSON)
    updated_at: Mapped[datetime]


class PostmortemReminder(Base):
    """An incident whose owner was reminded that its postmortem is due (once each)."""

    __tablename__ = "postmortem_reminders"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey(_USER_FK, ondelete="SET NULL"))
    reminded_at: Mapped[datetime]
