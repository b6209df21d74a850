"""Response-plan use cases: write, change, delete. Every id a plan names (service,
category, the articles of its steps and its list) is checked first, so a bad one is an
error naming the field and nothing is written. Callers own the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from watchkeeper.catalog.categories.models import Category
from watchkeeper.catalog.services.models import Service
from watchkeeper.response.kb.models import Article
from watchkeeper.response.plans import errors
from watchkeeper.response.plans.models import PlanArticle, PlanStep, ResponsePlan
from watchkeeper.response.plans.schemas import PlanIn, PlanUpdate, StepIn

_SIMPLE = (
    "name",
    "description",
    "enabled",
    "service_id",
    "category_id",
    "priority_min",
    "priority_max",
    "matchers",
)


def get(session: Session, *, plan_id: int, lock: bool = False) -> ResponsePlan:
    stmt = select(ResponsePlan).where(ResponsePlan.id == plan_id)
    found = session.scalar(stmt.with_for_update() if lock else stmt)
    if found is None:
        raise errors.not_found(plan_id)
    return found


def create(session: Session, *, data: PlanIn, now: datetime) -> ResponsePlan:
    _check(session, data.model_dump())
    _check_name(session, data.name, None)
    plan = ResponsePlan(
        **{name: getattr(data, name) for name in _SIMPLE}, created_at=now, updated_at=now
    )
    session.add(plan)
    session.flush()
    _set_steps(session, plan.id, data.steps)
    _set_articles(session, plan.id, data.article_ids)
    return plan


def update(session: Session, *, plan_id: int, data: PlanUpdate, now: datetime) -> ResponsePlan:
    plan = get(session, plan_id=plan_id, lock=True)
    changes = data.model_dump(exclude_unset=True)
    merged = {name: getattr(plan, name) for name in _SIMPLE} | changes
    if merged["priority_min"] > merged["priority_max"]:
        raise errors.bad_range(merged["priority_min"], merged["priority_max"])
    _check(session, changes)
    _check_name(session, merged["name"], plan.id)
    for name in _SIMPLE:
        if name in changes:
            setattr(plan, name, changes[name])
    plan.updated_at = now
    if data.steps is not None:
        _set_steps(session, plan.id, data.steps)
    if data.article_ids is not None:
        _set_articles(session, plan.id, data.article_ids)
    return plan


def remove(session: Session, *, plan_id: int) -> None:
    """The tasks it gave incidents stay; they are the incidents' record now."""
    session.delete(get(session, plan_id=plan_id, lock=True))


def _check(session: Session, data: dict[str, Any]) -> None:
    if data.get("service_id") is not None:
        _exists(session, Service, "service_id", "service", [data["service_id"]])
    if data.get("category_id") is not None:
        _exists(session, Category, "category_id", "category", [data["category_id"]])
    for number, step in enumerate(data.get("steps") or ()):
        if step.get("article_id") is not None:
            _exists(
                session, Article, f"steps[{number}].article_id", "article", [step["article_id"]]
            )
    _exists(session, Article, "article_ids", "article", data.get("article_ids") or [])


def _exists(session: Session, model: Any, field: str, what: str, ids: Sequence[int]) -> None:
    if not ids:
        return
    found = set(session.scalars(select(model.id).where(model.id.in_(list(ids)))))
    for value in ids:
        if value not in found:
            raise errors.unknown(field, what, value)


def _check_name(session: Session, name: str, plan_id: int | None) -> None:
    taken = session.scalar(select(ResponsePlan.id).where(ResponsePlan.name == name))
    if taken is not None and taken != plan_id:
        raise errors.name_taken(name)


def _set_steps(session: Session, plan_id: int, steps: Sequence[StepIn]) -> None:
    session.execute(delete(PlanStep).where(PlanStep.plan_id == plan_id))
    session.add_all(
        PlanStep(
            plan_id=plan_id,
            position=number,
            text=step.text,
            role=step.role.value if step.role else None,
            article_id=step.article_id,
        )
        for number, step in enumerate(steps)
    )


def _set_articles(session: Session, plan_id: int, article_ids: Sequence[int]) -> None:
    session.execute(delete(PlanArticle).where(PlanArticle.plan_id == plan_id))
    session.add_all(
        PlanArticle(plan_id=plan_id, article_id=article_id, position=number)
        for number, article_id in enumerate(dict.fromkeys(article_ids))
    )
