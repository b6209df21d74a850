"""Incident, its timeline, tasks and links, and the counter that numbers incidents."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, SmallInteger, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.db.base import Base

_USER_FK = "users.id"


class IncidentCounter(Base):
    """The last number handed out; one row, incremented in the creating transaction."""

    __tablename__ = "incident_counters"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[int]


class Incident(Base):
    """The unit of response. Its id is its number (#1, #2, ...), so `{id}` takes either."""

    __tablename__ = "incidents"
    __table_args__ = (
        CheckConstraint("impact BETWEEN 1 AND 4", name="impact"),
        CheckConstraint("urgency BETWEEN 1 AND 4", name="urgency"),
        CheckConstraint("priority BETWEEN 1 AND 5", name="priority"),
        Index("ix_incidents_created", "created_at", "id"),
        Index("ix_incidents_updated", "updated_at", "id"),
        Index("ix_incidents_status_created", "status", "created_at", "id"),
        Index("ix_incidents_service_created", "service_id", "created_at", "id"),
        Index("ix_incidents_priority_created", "priority", "created_at", "id"),
        Index("ix_incidents_assignee_created", "assignee_id", "created_at", "id"),
        Index("ix_incidents_category_created", "category_id", "created_at", "id"),
        Index("ix_incidents_sla_next", "sla_next_at"),
        Index("ix_incidents_group", "service_id", "group_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="SET NULL")
    )
    impact: Mapped[int] = mapped_column(SmallInteger)
    urgency: Mapped[int] = mapped_column(SmallInteger)
    priority: Mapped[int] = mapped_column(SmallInteger)
    priority_overridden: Mapped[bool] = mapped_column(default=False)
    # Why it got its priority when it opened ("P1 from severity=critical: impact 1 ...");
    # empty once a person changes impact, urgency or priority.
    priority_basis: Mapped[str] = mapped_column(String(255), default="", server_default="")
    status: Mapped[str] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    customer_impact: Mapped[str] = mapped_column(Text, default="")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey(_USER_FK, ondelete="SET NULL"))
    commander_id: Mapped[int | None] = mapped_column(ForeignKey(_USER_FK, ondelete="SET NULL"))
    communications_lead_id: Mapped[int | None] = mapped_column(
        ForeignKey(_USER_FK, ondelete="SET NULL")
    )
    scribe_id: Mapped[int | None] = mapped_column(ForeignKey(_USER_FK, ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey(_USER_FK, ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # SLA clocks (see incidents/sla.py); the resolve clock pauses on hold and while resolved.
    ack_due_at: Mapped[datetime]
    ack_warn_at: Mapped[datetime]
    resolve_due_at: Mapped[datetime]
    resolve_warn_at: Mapped[datetime]
    paused_seconds: Mapped[int] = mapped_column(default=0)
    paused_since: Mapped[datetime | None]
    sla_ack: Mapped[str] = mapped_column(String(10), default="pending")
    sla_resolve: Mapped[str] = mapped_column(String(10), default="pending")
    sla_ack_warned: Mapped[bool] = mapped_column(default=False)
    sla_resolve_warned: Mapped[bool] = mapped_column(default=False)
    # When the SLA engine module next has something to do here (a warning or a breach).
    sla_next_at: Mapped[datetime | None]
    resolution_code: Mapped[str | None] = mapped_column(String(30))
    resolution_notes: Mapped[str] = mapped_column(Text, default="")
    root_cause: Mapped[str] = mapped_column(Text, default="")
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="SET NULL")
    )
    reopened_count: Mapped[int] = mapped_column(default=0)
    # Alerts that share this key (service + values of its group_by labels) join it.
    group_key: Mapped[str | None] = mapped_column(String(255))

    @property
    def number(self) -> int:
        return self.id


class TimelineEntry(Base):
    """Append-only: anything that happened to an incident, who did it and when."""

    __tablename__ = "incident_timeline"
    __table_args__ = (Index("ix_incident_timeline_incident", "incident_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    at: Mapped[datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey(_USER_FK, ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(30))
    summary: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Marked by a responder as worth keeping: starred entries open the postmortem's timeline.
    # The one field that changes after writing; the entry's record of what happened does not.
    starred: Mapped[bool] = mapped_column(default=False, server_default=false())


class IncidentTask(Base):
    """One item of an incident's checklist."""

    __tablename__ = "incident_tasks"
    __table_args__ = (Index("ix_incident_tasks_incident", "incident_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(500))
    done: Mapped[bool] = mapped_column(default=False)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey(_USER_FK, ondelete="SET NULL"))
    created_at: Mapped[datetime]
    done_at: Mapped[datetime | None]


class IncidentLink(Base):
    """Two related incidents, stored once with the lower id first."""

    __tablename__ = "incident_links"
    __table_args__ = (CheckConstraint("low_id < high_id", name="ordered"),)

    low_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    high_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime]
