"""Who hears how an incident goes (stakeholders), the rules that add them, the
templates updates are written from, and the updates sent."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.db.base import Base

_USER_FK = "users.id"
_TEAM_FK = "teams.id"


class Stakeholder(Base):
    """A user, a team (its members) or an external email address; `target` is the
    user's or team's id, or the address, so the database refuses a duplicate."""

    __tablename__ = "incident_stakeholders"
    __table_args__ = (UniqueConstraint("incident_id", "kind", "target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))  # user, team, email
    target: Mapped[str] = mapped_column(String(320))
    user_id: Mapped[int | None] = mapped_column(ForeignKey(_USER_FK, ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey(_TEAM_FK, ondelete="CASCADE"))
    # None: added by hand; else the rule that added it.
    rule_id: Mapped[int | None] = mapped_column(
        ForeignKey("stakeholder_rules.id", ondelete="SET NULL")
    )
    added_at: Mapped[datetime]


class StakeholderRule(Base):
    """ "Every incident of priority P (or better) gets this stakeholder"."""

    __tablename__ = "stakeholder_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    max_priority: Mapped[int]
    kind: Mapped[str] = mapped_column(String(10))
    target: Mapped[str] = mapped_column(String(320))
    user_id: Mapped[int | None] = mapped_column(ForeignKey(_USER_FK, ondelete="CASCADE"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey(_TEAM_FK, ondelete="CASCADE"))
    created_at: Mapped[datetime]


class StakeholderTemplate(Base):
    """Admin-written text of an update with placeholders ({number}, {title}, ...)."""

    __tablename__ = "stakeholder_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class StakeholderUpdate(Base):
    """One update sent to an incident's stakeholders; the latest sets the cadence."""

    __tablename__ = "stakeholder_updates"
    __table_args__ = (Index("ix_stakeholder_updates_incident", "incident_id", "sent_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    recipients: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey(_USER_FK, ondelete="SET NULL"))
    sent_at: Mapped[datetime]


class CadenceReminder(Base):
    """A reminder sent for one due time of one incident: at most one each."""

    __tablename__ = "stakeholder_reminders"
    __table_args__ = (UniqueConstraint("incident_id", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    due_at: Mapped[datetime]
    user_id: Mapped[int | None] = mapped_column(ForeignKey(_USER_FK, ondelete="SET NULL"))
    sent_at: Mapped[datetime]
