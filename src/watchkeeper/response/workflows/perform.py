"""Doing (or, in a dry run, describing) a workflow's actions on one incident.

Each action runs in its own savepoint: one that fails is rolled back alone and recorded,
and the next one still runs. Changes go through the incidents' own services, so they
leave the usual timeline entries, written by the workflow's actor; pages go through the
paging path; calls become outbox rows (`calls`), sent after the transaction commits.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from watchkeeper.catalog.users.models import User
from watchkeeper.core.errors import WatchkeeperError
from watchkeeper.core.priority import label
from watchkeeper.incidents import service as incidents
from watchkeeper.incidents import tasks
from watchkeeper.incidents.models import Incident
from watchkeeper.incidents.schemas import IncidentUpdate, TaskIn
from watchkeeper.incidents.timeline import Actor
from watchkeeper.pipeline.escalation import service as escalation
from watchkeeper.pipeline.escalation.schemas import PageIn, Target
from watchkeeper.response.workflows import templates
from watchkeeper.response.workflows.models import WorkflowCall
from watchkeeper.response.workflows.schemas import (
    Action,
    ActionResult,
    AddNote,
    AddResponders,
    AddTask,
    CallOut,
    SetFields,
)

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class Subject:
    """The incident a run acts on, and what its templates may read."""

    incident: Incident
    context: Mapping[str, Any]


def context_for(
    incident: Incident,
    *,
    service: str,
    category: str,
    labels: Mapping[str, str],
    event: Mapping[str, Any],
    workflow: Mapping[str, Any],
    base_url: str,
    drill: bool = False,
) -> dict[str, Any]:
    """The names a template sees (docs/automation.md lists them)."""
    return {
        "incident": {
            "number": incident.id,
            "id": incident.id,
            "title": incident.title,
            "priority": label(incident.priority),
            "status": incident.status,
            "impact": incident.impact,
            "urgency": incident.urgency,
            "service": service,
            "service_id": incident.service_id,
            "category": category,
            "tags": list(incident.tags),
            "url": f"{base_url.rstrip('/')}/incidents/{incident.id}",
            "created_at": incident.created_at.isoformat(),
            "drill": drill,
        },
        "event": dict(event),
        "workflow": dict(workflow),
        "labels": dict(labels),
    }


def execute(
    session: Session,
    *,
    actions: Sequence[Action],
    subject: Subject,
    actor: Actor,
    now: datetime,
    run: tuple[int, int] | None,
) -> list[ActionResult]:
    """Do each action in order; `run` is (workflow id, run id), None for a dry run, which
    only describes what would happen and writes nothing."""
    results = []
    for position, action in enumerate(actions):
        try:
            if run is None:
                detail = _describe(session, action, subject, now)
            else:
                with session.begin_nested():
                    detail = _do(session, action, subject, actor, now, run, position)
            results.append(
                ActionResult(position=position, kind=action.kind, ok=True, detail=detail)
            )
        except (WatchkeeperError, templates.Unrenderable) as exc:
            results.append(
                ActionResult(position=position, kind=action.kind, ok=False, detail=str(exc)[:500])
            )
        except OperationalError:
            raise  # the database, not the action: the engine retries the whole run
        except Exception as exc:  # a bug in one action must not stop the others
            log.exception("workflow action failed", kind=action.kind)
            detail = f"internal error ({type(exc).__name__})"
            results.append(
                ActionResult(position=position, kind=action.kind, ok=False, detail=detail)
            )
    return results


def _do(
    session: Session,
    action: Action,
    subject: Subject,
    actor: Actor,
    now: datetime,
    run: tuple[int, int],
    position: int,
) -> str:
    incident_id = subject.incident.id
    if isinstance(action, SetFields):
        changes = action.changes()
        incidents.update(
            session, incident_id=incident_id, data=IncidentUpdate(**changes), actor=actor, now=now
        )
        return "set " + ", ".join(f"{name} to {value}" for name, value in changes.items())
    if isinstance(action, AddResponders):
        data = PageIn(
            user_ids=action.user_ids,
            team_ids=action.team_ids,
            schedule_ids=action.schedule_ids,
            message=action.message,
        )
        pages = escalation.page_by_hand(
            session, incident_id=incident_id, data=data, actor=actor, now=now
        )
        return "paged " + _logins(session, [page.user_id for page in pages])
    if isinstance(action, AddTask):
        title = templates.render(action.title, dict(subject.context)).strip()[:500] or "task"
        task = tasks.add(
            session,
            incident_id=incident_id,
            data=TaskIn(title=title, assignee_id=action.assignee_id),
            actor=actor,
            now=now,
        )
        return f"added the task {task.title!r}"
    if isinstance(action, AddNote):
        text = templates.render(action.text, dict(subject.context)).strip() or "(empty note)"
        incidents.add_note(session, incident_id=incident_id, text=text, actor=actor, now=now)
        return f"added a note: {text[:200]}"
    return _queue_call(session, action, subject, now, run, position)


def _queue_call(
    session: Session,
    action: CallOut,
    subject: Subject,
    now: datetime,
    run: tuple[int, int],
    position: int,
) -> str:
    body = templates.render_json(action.body, dict(subject.context))
    call = WorkflowCall(
        run_id=run[1],
        workflow_id=run[0],
        incident_id=subject.incident.id,
        position=position,
        kind=action.kind,
        url=action.url,
        body=json.dumps(body, separators=(",", ":")),
        message_id=f"msg_{uuid.uuid4().hex}",
        status="pending",
        attempts=0,
        due_at=now,
        answer_status=None,
        answer="",
        detail="",
        created_at=now,
        finished_at=None,
    )
    session.add(call)
    session.flush()
    return f"queued a POST to {action.url} (call {call.id})"


def _describe(session: Session, action: Action, subject: Subject, now: datetime) -> str:
    if isinstance(action, SetFields):
        changes = action.changes()
        return "would set " + ", ".join(f"{name} to {value}" for name, value in changes.items())
    if isinstance(action, AddResponders):
        targets = [
            *(Target(type="user", id=ref) for ref in action.user_ids),
            *(Target(type="team", id=ref) for ref in action.team_ids),
            *(Target(type="schedule", id=ref) for ref in action.schedule_ids),
        ]
        users = escalation.resolve_targets(session, targets, now)
        if not users:
            raise WatchkeeperError("would page nobody: no active user behind these targets")
        return "would page " + _logins(session, users)
    if isinstance(action, AddTask):
        title = templates.render(action.title, dict(subject.context)).strip()[:500]
        return f"would add the task {title!r}"
    if isinstance(action, AddNote):
        text = templates.render(action.text, dict(subject.context)).strip()
        return f"would add a note: {text[:500]}"
    body = templates.render_json(action.body, dict(subject.context))
    return f"would POST to {action.url}: {json.dumps(body)[:1000]}"


def _logins(session: Session, user_ids: Sequence[int]) -> str:
    logins = dict(session.execute(select(User.id, User.login).where(User.id.in_(user_ids))).all())
    return ", ".join(logins.get(user_id, f"user {user_id}") for user_id in user_ids)
