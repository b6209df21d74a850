"""Action item use cases: create (alone, or from an incident or a postmortem), change,
move through open -> in_progress -> done | wont_do. Callers own the transaction."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.catalog.teams.models import Team
from watchkeeper.core.priority import label, parse_label
from watchkeeper.incidents import service as incidents
from watchkeeper.incidents.models import Incident
from watchkeeper.incidents.timeline import Actor, record
from watchkeeper.response.actions import errors
from watchkeeper.response.actions.models import ActionItem
from watchkeeper.response.actions.schemas import (
    ActionItemCreate,
    ActionItemUpdate,
    Status,
)
from watchkeeper.response.postmortems.models import Postmortem
from watchkeeper.response.problems.models import Problem

# Where each status may go; going back to open is how an item is reopened.
MOVES: dict[Status, tuple[Status, ...]] = {
    Status.OPEN: (Status.IN_PROGRESS, Status.DONE, Status.WONT_DO),
    Status.IN_PROGRESS: (Status.OPEN, Status.DONE, Status.WONT_DO),
    Status.DONE: (Status.OPEN,),
    Status.WONT_DO: (Status.OPEN,),
}


def today(now: datetime, zone: str) -> date:
    return now.astimezone(ZoneInfo(zone)).date()


def create(
    session: Session, *, data: ActionItemCreate, actor: Actor, zone: str, now: datetime
) -> ActionItem:
    """`zone` is the creator's: a due date before their today is refused."""
    incidents.check_user(session, "owner_id", data.owner_id)
    _check_refs(
        session, data.model_dump(include={"team_id", "postmortem_id", "incident_id", "problem_id"})
    )
    if data.due_on is not None and data.due_on < today(now, zone):
        raise errors.due_in_past(data.due_on, today(now, zone))
    incident_id = data.incident_id
    if incident_id is None and data.postmortem_id is not None:
        incident_id = session.scalar(
            select(Postmortem.incident_id).where(Postmortem.id == data.postmortem_id)
        )
    item = ActionItem(
        **data.model_dump(exclude={"priority", "incident_id"}),
        incident_id=incident_id,
        priority=parse_label(data.priority),
        status=Status.OPEN.value,
        created_by_id=actor.user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(item)
    session.flush()
    if incident_id is not None:
        said = f"{actor.name} added action item {item.id}: {item.title}"
        _log(session, incident_id, said, actor, now, item)
    return item


def _check_refs(session: Session, refs: dict[str, Any]) -> None:
    models: dict[str, tuple[Any, str]] = {
        "team_id": (Team, "team"),
        "postmortem_id": (Postmortem, "postmortem"),
        "incident_id": (Incident, "incident"),
        "problem_id": (Problem, "problem"),
    }
    for field, ref in refs.items():
        model, what = models[field]
        if ref is not None and session.get(model, ref) is None:
            raise errors.unknown(field, what, ref)


def get(session: Session, *, item_id: int, lock: bool = False) -> ActionItem:
    stmt = select(ActionItem).where(ActionItem.id == item_id)
    found = session.scalar(stmt.with_for_update() if lock else stmt)
    if found is None:
        raise errors.not_found(item_id)
    return found


def update(
    session: Session, *, item_id: int, data: ActionItemUpdate, actor: Actor, now: datetime
) -> ActionItem:
    item = get(session, item_id=item_id, lock=True)
    changes = data.model_dump(exclude_unset=True)
    if "owner_id" in changes:
        incidents.check_user(session, "owner_id", changes["owner_id"])
    if "team_id" in changes:
        _check_refs(session, {"team_id": changes["team_id"]})
    target = changes.pop("status", None)
    reason = changes.pop("wont_do_reason", None)
    if "priority" in changes:
        changes["priority"] = parse_label(changes["priority"])
    if "due_on" in changes and changes["due_on"] != item.due_on:
        item.reminded_soon_at = item.reminded_overdue_at = None  # a new date, new reminders
    for name, value in changes.items():
        setattr(item, name, value)
    if target is not None and target != item.status:
        _move(session, item, Status(target), reason, actor, now)
    elif reason is not None and item.status == Status.WONT_DO:
        item.wont_do_reason = reason
    item.updated_at = now
    return item


def _move(
    session: Session,
    item: ActionItem,
    target: Status,
    reason: str | None,
    actor: Actor,
    now: datetime,
) -> None:
    allowed = MOVES[Status(item.status)]
    if target not in allowed:
        raise errors.transition(item.status, target.value, [s.value for s in allowed])
    if target is Status.WONT_DO:
        if not reason:
            raise errors.needs_reason()
        item.wont_do_reason = reason
    elif target is Status.OPEN:
        item.wont_do_reason = ""
    item.done_at = now if target is Status.DONE else None
    item.status = target.value
    if item.incident_id is not None and target in (Status.DONE, Status.WONT_DO):
        said = {
            Status.DONE: f"{actor.name} finished action item {item.id}: {item.title}",
            Status.WONT_DO: f"{actor.name} will not do action item {item.id}: {reason}",
        }[target]
        _log(session, item.incident_id, said, actor, now, item)


def _log(
    session: Session, incident_id: int, summary: str, actor: Actor, now: datetime, item: ActionItem
) -> None:
    record(
        session,
        incident_id=incident_id,
        kind="action_item",
        summary=summary,
        actor=actor,
        at=now,
        data={"action_item_id": item.id, "priority": label(item.priority)},
    )
