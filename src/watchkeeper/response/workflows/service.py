"""Creating and changing workflows. Everything a workflow names is checked on save:
references exist, templates render on a sample incident, call URLs pass the outbound
guard. A refusal raises before anything is written. Callers own the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.catalog.categories.models import Category
from watchkeeper.catalog.services.models import Service
from watchkeeper.catalog.teams.models import Team
from watchkeeper.catalog.users.models import User
from watchkeeper.db.sealing import Sealer
from watchkeeper.db.unique import add_unique, update_unique
from watchkeeper.oncall.schedules.models import Schedule
from watchkeeper.pipeline.notify.channels.addresses import unusable
from watchkeeper.pipeline.notify.channels.guard import OutboundGuard, Refused
from watchkeeper.pipeline.notify.channels.webhook import new_secret
from watchkeeper.response.cron import next_fire
from watchkeeper.response.workflows import errors, templates
from watchkeeper.response.workflows.models import Workflow
from watchkeeper.response.workflows.schemas import (
    Action,
    AddNote,
    AddResponders,
    AddTask,
    CallOut,
    Conditions,
    SetFields,
    Trigger,
    WorkflowCreate,
    WorkflowOut,
    WorkflowUpdate,
)

_ACTIONS: TypeAdapter[list[Action]] = TypeAdapter(list[Action])
_PEOPLE = ("assignee_id", "commander_id", "communications_lead_id", "scribe_id")


def create(
    session: Session,
    *,
    data: WorkflowCreate,
    guard: OutboundGuard,
    sealer: Sealer,
    user_id: int | None,
    now: datetime,
) -> tuple[Workflow, str]:
    """Save a workflow; returns it and its webhook signing secret (shown once)."""
    vet(session, conditions=data.conditions, actions=data.actions, guard=guard)
    secret = new_secret()
    value = data.trigger_value.strip()
    if data.trigger is Trigger.NOTE_TAGGED:
        value = value.removeprefix("#")
    workflow = Workflow(
        name=data.name,
        description=data.description,
        enabled=data.enabled,
        trigger=data.trigger.value,
        trigger_value=value,
        zone=data.zone,
        next_at=next_fire(value, data.zone, now) if data.trigger is Trigger.SCHEDULE else None,
        conditions=data.conditions.model_dump(mode="json"),
        actions=_ACTIONS.dump_python(data.actions, mode="json"),
        secret=sealer.seal(secret),
        created_by_id=user_id,
        created_at=now,
        updated_at=now,
    )
    add_unique(session, workflow, lambda: errors.name_taken(data.name))
    return workflow, secret


def get(session: Session, *, workflow_id: int) -> Workflow:
    workflow = session.get(Workflow, workflow_id)
    if workflow is None:
        raise errors.not_found(workflow_id)
    return workflow


def list_(session: Session) -> Sequence[Workflow]:
    return session.scalars(select(Workflow).order_by(Workflow.name)).all()


def update(
    session: Session,
    *,
    workflow_id: int,
    data: WorkflowUpdate,
    guard: OutboundGuard,
    now: datetime,
) -> Workflow:
    workflow = get(session, workflow_id=workflow_id)
    changes = data.model_dump(exclude_unset=True)
    conditions = data.conditions if data.conditions is not None else conditions_of(workflow)
    actions = data.actions if data.actions is not None else actions_of(workflow)
    vet(session, conditions=conditions, actions=actions, guard=guard)
    if data.conditions is not None:
        changes["conditions"] = data.conditions.model_dump(mode="json")
    if data.actions is not None:
        changes["actions"] = _ACTIONS.dump_python(data.actions, mode="json")
    taken = changes.get("name", workflow.name)
    update_unique(session, workflow, changes, now=now, taken=lambda: errors.name_taken(taken))
    return workflow


def delete(session: Session, *, workflow_id: int) -> None:
    session.delete(get(session, workflow_id=workflow_id))
    session.flush()


def conditions_of(workflow: Workflow) -> Conditions:
    return Conditions.model_validate(workflow.conditions)


def actions_of(workflow: Workflow) -> list[Action]:
    return _ACTIONS.validate_python(workflow.actions)


def out(workflow: Workflow) -> WorkflowOut:
    return WorkflowOut(
        id=workflow.id,
        name=workflow.name,
        description=workflow.description,
        enabled=workflow.enabled,
        trigger=Trigger(workflow.trigger),
        trigger_value=workflow.trigger_value,
        zone=workflow.zone,
        next_at=workflow.next_at,
        conditions=conditions_of(workflow),
        actions=actions_of(workflow),
        created_at=workflow.created_at,
        updated_at=workflow.updated_at,
    )


def vet(
    session: Session, *, conditions: Conditions, actions: Sequence[Action], guard: OutboundGuard
) -> None:
    """Refuse what could never work: missing references, templates that fail, URLs the
    guard refuses."""
    _exist(session, Service, conditions.service_ids, "body.conditions.service_ids", "service")
    _exist(session, Team, conditions.team_ids, "body.conditions.team_ids", "team")
    _exist(session, Category, conditions.category_ids, "body.conditions.category_ids", "category")
    for position, action in enumerate(actions):
        where = f"body.actions.{position}"
        _vet_action(session, action, where, guard)


def _vet_action(session: Session, action: Action, where: str, guard: OutboundGuard) -> None:
    if isinstance(action, SetFields):
        if action.category_id is not None:
            _exist(session, Category, [action.category_id], f"{where}.category_id", "category")
        for name in _PEOPLE:
            ref = getattr(action, name)
            if ref is not None:
                _exist(session, User, [ref], f"{where}.{name}", "user")
    elif isinstance(action, AddResponders):
        _exist(session, User, action.user_ids, f"{where}.user_ids", "user")
        _exist(session, Team, action.team_ids, f"{where}.team_ids", "team")
        _exist(session, Schedule, action.schedule_ids, f"{where}.schedule_ids", "schedule")
    elif isinstance(action, AddTask):
        _template(action.title, f"{where}.title", as_json=False)
        if action.assignee_id is not None:
            _exist(session, User, [action.assignee_id], f"{where}.assignee_id", "user")
    elif isinstance(action, AddNote):
        _template(action.text, f"{where}.text", as_json=False)
    elif isinstance(action, CallOut):
        _template(action.body, f"{where}.body", as_json=True)
        check_url(action.url, f"{where}.url", guard)


def check_url(url: str, where: str, guard: OutboundGuard) -> None:
    reason = unusable("webhook", url)
    if reason:
        raise errors.url_refused(where, reason)
    try:
        guard.check_url(url)
    except Refused as exc:
        raise errors.url_refused(where, str(exc)) from None
    except (ValueError, UnicodeError):  # a malformed host, an impossible name
        raise errors.url_refused(where, "not a valid URL") from None


def _template(source: str, where: str, *, as_json: bool) -> None:
    try:
        templates.check(source, as_json=as_json)
    except templates.Unrenderable as exc:
        raise errors.template(where, str(exc)) from None


def _exist(session: Session, model: Any, refs: Sequence[int], where: str, what: str) -> None:
    if not refs:
        return
    found = set(session.scalars(select(model.id).where(model.id.in_(sorted(set(refs))))))
    for position, ref in enumerate(refs):
        if ref not in found:
            location = where if where.endswith("_id") else f"{where}.{position}"
            raise errors.unknown(location, what, ref)
