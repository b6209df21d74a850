"""Response-plan tables: the plan, its steps, the articles it shows, and what the engine
attached to each incident (once per plan, with the tasks it copied)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.db.base import Base

_PLAN_FK = "response_plans.id"


class ResponsePlan(Base):
    """Applies to an incident when every condition given holds: its service, its category,
    its priority within `priority_min`..`priority_max` (P1 = 1), and an alert of it whose
    labels match all `matchers` (text, as `core.matchers` parses them)."""

    __tablename__ = "response_plans"
    __table_args__ = (
        CheckConstraint("priority_min BETWEEN 1 AND 5", name="priority_min"),
        CheckConstraint("priority_max BETWEEN 1 AND 5", name="priority_max"),
        CheckConstraint("priority_min <= priority_max", name="priority_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    enabled: Mapped[bool] = mapped_column(default=True)
    service_id: Mapped[int | None] = mapped_column(
        ForeignKey("services.id", ondelete="CASCADE"), index=True
    )
    category_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id", ondelete="CASCADE"))
    priority_min: Mapped[int] = mapped_column(SmallInteger, default=1)
    priority_max: Mapped[int] = mapped_column(SmallInteger, default=5)
    matchers: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class PlanStep(Base):
    """One checklist item: copied into an incident as a task when the plan attaches."""

    __tablename__ = "response_plan_steps"
    __table_args__ = (Index("ix_response_plan_steps_plan", "plan_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey(_PLAN_FK, ondelete="CASCADE"))
    position: Mapped[int]
    text: Mapped[str] = mapped_column(String(500))
    # An incident role (commander, communications_lead, scribe, assignee): whoever holds
    # it when the plan attaches gets the task.
    role: Mapped[str | None] = mapped_column(String(30))
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("kb_articles.id", ondelete="SET NULL")
    )


class PlanArticle(Base):
    __tablename__ = "response_plan_articles"

    plan_id: Mapped[int] = mapped_column(ForeignKey(_PLAN_FK, ondelete="CASCADE"), primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("kb_articles.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(default=0)


class IncidentPlan(Base):
    """A plan attached to an incident; the primary key makes it once, however often the
    incident changes."""

    __tablename__ = "incident_plans"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    plan_id: Mapped[int] = mapped_column(
        ForeignKey(_PLAN_FK, ondelete="CASCADE"), primary_key=True, index=True
    )
    attached_at: Mapped[datetime]


class PlanTask(Base):
    """An incident task that came from a plan's step (the mark on the checklist)."""

    __tablename__ = "incident_plan_tasks"

    task_id: Mapped[int] = mapped_column(
        ForeignKey("incident_tasks.id", ondelete="CASCADE"), primary_key=True
    )
    plan_id: Mapped[int] = mapped_column(ForeignKey(_PLAN_FK, ondelete="CASCADE"), index=True)
    role: Mapped[str | None] = mapped_column(String(30))
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("kb_articles.id", ondelete="SET NULL")
    )


class PlanCheck(Base):
    """What the engine last matched an incident on: it looks again only when the
    incident's service, category or priority differ from these."""

    __tablename__ = "incident_plan_checks"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    service_id: Mapped[int]
    category_id: Mapped[int | None]
    priority: Mapped[int] = mapped_column(SmallInteger)
    checked_at: Mapped[datetime]
