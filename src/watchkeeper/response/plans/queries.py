"""The read side of response plans: the API view, and what is attached to an incident
(for its page and the API)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.incidents.models import IncidentTask
from watchkeeper.response.kb.models import Article
from watchkeeper.response.plans.models import (
    IncidentPlan,
    PlanArticle,
    PlanStep,
    PlanTask,
    ResponsePlan,
)
from watchkeeper.response.plans.schemas import (
    AttachedArticle,
    AttachedPlan,
    PlanOut,
    Role,
    StepOut,
)


def list_(session: Session) -> Sequence[ResponsePlan]:
    return session.scalars(select(ResponsePlan).order_by(ResponsePlan.name)).all()


def out(session: Session, plan: ResponsePlan) -> PlanOut:
    return out_many(session, [plan])[0]


def out_many(session: Session, plans: Sequence[ResponsePlan]) -> list[PlanOut]:
    ids = [plan.id for plan in plans]
    steps: dict[int, list[StepOut]] = defaultdict(list)
    articles: dict[int, list[int]] = defaultdict(list)
    if ids:
        for step in session.scalars(
            select(PlanStep).where(PlanStep.plan_id.in_(ids)).order_by(PlanStep.position)
        ):
            role = Role(step.role) if step.role else None
            steps[step.plan_id].append(
                StepOut(text=step.text, role=role, article_id=step.article_id)
            )
        for plan_id, article_id in session.execute(
            select(PlanArticle.plan_id, PlanArticle.article_id)
            .where(PlanArticle.plan_id.in_(ids))
            .order_by(PlanArticle.position)
        ):
            articles[plan_id].append(article_id)
    return [
        PlanOut(
            id=p.id,
            name=p.name,
            description=p.description,
            enabled=p.enabled,
            service_id=p.service_id,
            category_id=p.category_id,
            priority_min=p.priority_min,
            priority_max=p.priority_max,
            matchers=list(p.matchers),
            steps=steps[p.id],
            article_ids=articles[p.id],
            created_at=p.created_at,
            updated_at=p.updated_at,
        )
        for p in plans
    ]


def attached(session: Session, *, incident_id: int) -> list[AttachedPlan]:
    """The plans on an incident, in the order they came, with their articles (the plan's
    own list, then those its steps link to) and the tasks they gave it."""
    rows = session.execute(
        select(IncidentPlan.plan_id, IncidentPlan.attached_at, ResponsePlan)
        .join(ResponsePlan, ResponsePlan.id == IncidentPlan.plan_id)
        .where(IncidentPlan.incident_id == incident_id)
        .order_by(IncidentPlan.attached_at, IncidentPlan.plan_id)
    ).all()
    plan_ids = [row[0] for row in rows]
    if not plan_ids:
        return []
    links: dict[int, list[int]] = defaultdict(list)
    for plan_id, article_id in session.execute(
        select(PlanArticle.plan_id, PlanArticle.article_id)
        .where(PlanArticle.plan_id.in_(plan_ids))
        .order_by(PlanArticle.position)
    ):
        links[plan_id].append(article_id)
    tasks: dict[int, list[int]] = defaultdict(list)
    for plan_id, task_id, step_article in session.execute(
        select(PlanTask.plan_id, PlanTask.task_id, PlanTask.article_id)
        .join(IncidentTask, IncidentTask.id == PlanTask.task_id)
        .where(IncidentTask.incident_id == incident_id, PlanTask.plan_id.in_(plan_ids))
        .order_by(PlanTask.task_id)
    ):
        tasks[plan_id].append(task_id)
        if step_article is not None and step_article not in links[plan_id]:
            links[plan_id].append(step_article)
    wanted = sorted({a for ids in links.values() for a in ids})
    titles = (
        {
            row[0]: row[1]
            for row in session.execute(
                select(Article.id, Article.title).where(Article.id.in_(wanted))
            )
        }
        if wanted
        else {}
    )
    return [
        AttachedPlan(
            plan_id=plan_id,
            name=plan.name,
            description=plan.description,
            attached_at=at,
            articles=[
                AttachedArticle(id=a, title=titles[a]) for a in links[plan_id] if a in titles
            ],
            task_ids=tasks[plan_id],
        )
        for plan_id, at, plan in rows
    ]


def task_marks(session: Session, *, incident_id: int) -> dict[int, tuple[int, str, str | None]]:
    """Task id -> (plan id, plan name, role) for an incident's tasks that came from plans."""
    rows = session.execute(
        select(PlanTask.task_id, PlanTask.plan_id, ResponsePlan.name, PlanTask.role)
        .join(IncidentTask, IncidentTask.id == PlanTask.task_id)
        .join(ResponsePlan, ResponsePlan.id == PlanTask.plan_id)
        .where(IncidentTask.incident_id == incident_id)
    ).all()
    return {task_id: (plan_id, name, role) for task_id, plan_id, name, role in rows}
