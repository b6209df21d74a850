"""Engine entry point: attach the response plans that apply to incidents that opened or
changed service, category or priority since the last look.

A run reads, one query each: up to `BATCH` open incidents whose (service, category,
priority) differ from what `incident_plan_checks` last saw, the enabled plans, their
steps, the labels of the incidents' alerts (only when a plan has label matchers), and
the plans already attached. It decides in pure code (`match`) and writes the attachments,
the tasks (one INSERT each for tasks and their plan marks), the timeline entries and the
checks. A plan attaches to an incident once (the primary key holds it), so its steps are
copied once however often the incident changes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row, insert, or_, select
from sqlalchemy.orm import Session

from watchkeeper.db.upsert import insert_for
from watchkeeper.incidents.lifecycle import OPEN
from watchkeeper.incidents.models import Incident, IncidentTask
from watchkeeper.incidents.timeline import ENGINE, Entries
from watchkeeper.pipeline.correlate.models import Alert
from watchkeeper.response.plans.match import Rule, Subject, applicable, rule
from watchkeeper.response.plans.models import (
    IncidentPlan,
    PlanCheck,
    PlanStep,
    PlanTask,
    ResponsePlan,
)

BATCH = 200
PLANS = 1_000
ALERTS = 5_000
LABEL_SETS = 20
NOTICE = "response_plan"
_ROLE_FIELD = {
    "assignee": "assignee_id",
    "commander": "commander_id",
    "communications_lead": "communications_lead_id",
    "scribe": "scribe_id",
}


def run_once(session: Session, now: datetime) -> int:
    due = _due(session)
    if not due:
        return 0
    plans = session.scalars(
        select(ResponsePlan).where(ResponsePlan.enabled).order_by(ResponsePlan.id).limit(PLANS)
    ).all()
    rules = [_rule(plan) for plan in plans]
    labels = _labels(session, [row.id for row in due]) if any(r.matchers for r in rules) else {}
    have = _attached(session, [row.id for row in due])
    wanted: list[tuple[Row[Any], int]] = []
    for row in due:
        subject = Subject(row.service_id, row.category_id, row.priority, labels.get(row.id, ()))
        wanted.extend(
            (row, plan_id)
            for plan_id in applicable(rules, subject)
            if (row.id, plan_id) not in have
        )
    if wanted:
        _attach(session, wanted, {plan.id: plan for plan in plans}, now)
    _record_checks(session, due, now)
    return len(due)


def _due(session: Session) -> Sequence[Row[Any]]:
    """Open incidents never looked at, or changed since; in id order, bounded."""
    check = PlanCheck
    changed = or_(
        check.incident_id.is_(None),
        check.service_id != Incident.service_id,
        check.priority != Incident.priority,
        check.category_id.is_distinct_from(Incident.category_id),
    )
    return session.execute(
        select(
            Incident.id,
            Incident.service_id,
            Incident.category_id,
            Incident.priority,
            *(getattr(Incident, field) for field in _ROLE_FIELD.values()),
        )
        .outerjoin(check, check.incident_id == Incident.id)
        .where(Incident.status.in_(sorted(s.value for s in OPEN)), changed)
        .order_by(Incident.id)
        .limit(BATCH)
    ).all()


def _rule(plan: ResponsePlan) -> Rule:
    return rule(
        plan_id=plan.id,
        service_id=plan.service_id,
        category_id=plan.category_id,
        priority_min=plan.priority_min,
        priority_max=plan.priority_max,
        matcher_texts=plan.matchers,
    )


def _labels(session: Session, incident_ids: list[int]) -> dict[int, tuple[dict[str, str], ...]]:
    found: dict[int, list[dict[str, str]]] = defaultdict(list)
    for incident_id, labels in session.execute(
        select(Alert.incident_id, Alert.labels)
        .where(Alert.incident_id.in_(incident_ids))
        .limit(ALERTS)
    ):
        if incident_id is not None and labels and len(found[incident_id]) < LABEL_SETS:
            found[incident_id].append({str(k): str(v) for k, v in labels.items()})
    return {key: tuple(value) for key, value in found.items()}


def _attached(session: Session, incident_ids: list[int]) -> set[tuple[int, int]]:
    rows = session.execute(
        select(IncidentPlan.incident_id, IncidentPlan.plan_id).where(
            IncidentPlan.incident_id.in_(incident_ids)
        )
    )
    return {(incident_id, plan_id) for incident_id, plan_id in rows}


def _attach(
    session: Session,
    wanted: list[tuple[Row[Any], int]],
    plans: dict[int, ResponsePlan],
    now: datetime,
) -> None:
    plan_ids = sorted({plan_id for _, plan_id in wanted})
    steps: dict[int, list[PlanStep]] = defaultdict(list)
    for step in session.scalars(
        select(PlanStep).where(PlanStep.plan_id.in_(plan_ids)).order_by(PlanStep.position)
    ):
        steps[step.plan_id].append(step)
    session.execute(
        insert(IncidentPlan.table()),
        [
            {"incident_id": row.id, "plan_id": plan_id, "attached_at": now}
            for row, plan_id in wanted
        ],
    )
    tasks: list[tuple[IncidentTask, PlanStep]] = []
    entries = Entries()
    for row, plan_id in wanted:
        for step in steps[plan_id]:
            assignee = getattr(row, _ROLE_FIELD[step.role]) if step.role else None
            task = IncidentTask(
                incident_id=row.id,
                title=step.text,
                done=False,
                assignee_id=assignee,
                created_at=now,
                done_at=None,
            )
            tasks.append((task, step))
        count = len(steps[plan_id])
        summary = (
            f"Response plan {plans[plan_id].name!r} attached ({count} task{'s' * (count != 1)})"
        )
        entries.add(row.id, NOTICE, summary, ENGINE, now, {"plan_id": plan_id})
    if tasks:
        session.add_all(task for task, _ in tasks)
        session.flush()
        session.execute(
            insert(PlanTask.table()),
            [
                {
                    "task_id": task.id,
                    "plan_id": step.plan_id,
                    "role": step.role,
                    "article_id": step.article_id,
                }
                for task, step in tasks
            ],
        )
    entries.write(session)


def _record_checks(session: Session, due: Sequence[Row[Any]], now: datetime) -> None:
    rows = [
        {
            "incident_id": row.id,
            "service_id": row.service_id,
            "category_id": row.category_id,
            "priority": row.priority,
            "checked_at": now,
        }
        for row in due
    ]
    stmt = insert_for(session, PlanCheck.table())
    session.execute(
        stmt.on_conflict_do_update(
            index_elements=["incident_id"],
            set_={
                name: getattr(stmt.excluded, name)
                for name in ("service_id", "category_id", "priority", "checked_at")
            },
        ),
        rows,
    )
