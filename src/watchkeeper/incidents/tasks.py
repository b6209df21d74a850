"""An incident's checklist: add, check, uncheck, assign. Each change is on the timeline."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.incidents import errors
from watchkeeper.incidents.models import IncidentTask
from watchkeeper.incidents.schemas import TaskIn, TaskUpdate
from watchkeeper.incidents.service import check_user, editable, get
from watchkeeper.incidents.timeline import Actor, record


def list_(session: Session, *, incident_id: int) -> Sequence[IncidentTask]:
    get(session, incident_id=incident_id)
    return session.scalars(
        select(IncidentTask)
        .where(IncidentTask.incident_id == incident_id)
        .order_by(IncidentTask.id)
    ).all()


def add(
    session: Session, *, incident_id: int, data: TaskIn, actor: Actor, now: datetime
) -> IncidentTask:
    incident = editable(session, incident_id=incident_id)
    login = check_user(session, "assignee_id", data.assignee_id)
    task = IncidentTask(
        incident_id=incident.id,
        title=data.title,
        done=False,
        assignee_id=data.assignee_id,
        created_at=now,
        done_at=None,
    )
    session.add(task)
    session.flush()
    summary = f"{actor.name} added the task {data.title!r}" + (f" for {login}" if login else "")
    record(
        session,
        incident_id=incident.id,
        kind="task_added",
        summary=summary,
        actor=actor,
        at=now,
        data={"task_id": task.id},
    )
    incident.updated_at = now
    return task


def change(
    session: Session,
    *,
    incident_id: int,
    task_id: int,
    data: TaskUpdate,
    actor: Actor,
    now: datetime,
) -> IncidentTask:
    incident = editable(session, incident_id=incident_id)
    task = session.get(IncidentTask, task_id)
    if task is None or task.incident_id != incident.id:
        raise errors.task_not_found(task_id)
    changes = data.model_dump(exclude_unset=True)
    events: list[tuple[str, str]] = []
    if "title" in changes and changes["title"] != task.title:
        events.append(("task_changed", f"renamed the task {task.title!r} to {changes['title']!r}"))
        task.title = changes["title"]
    if "done" in changes and changes["done"] != task.done:
        task.done = changes["done"]
        task.done_at = now if task.done else None
        verb = "checked" if task.done else "unchecked"
        events.append(("task_done" if task.done else "task_undone", f"{verb} {task.title!r}"))
    if "assignee_id" in changes and changes["assignee_id"] != task.assignee_id:
        login = check_user(session, "assignee_id", changes["assignee_id"])
        task.assignee_id = changes["assignee_id"]
        who = f"to {login}" if login else "to nobody"
        events.append(("task_assigned", f"assigned {task.title!r} {who}"))
    for kind, text in events:
        record(
            session,
            incident_id=incident.id,
            kind=kind,
            summary=f"{actor.name} {text}",
            actor=actor,
            at=now,
            data={"task_id": task.id},
        )
    if events:
        incident.updated_at = now
    return task
