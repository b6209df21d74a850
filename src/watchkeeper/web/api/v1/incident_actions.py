"""`/api/v1/incidents/{id}/...`: lifecycle actions, notes, tasks, links, merge, timeline."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session
from starlette.requests import Request

from watchkeeper.core.ids import After, Id
from watchkeeper.incidents import links, queries, tasks, transitions
from watchkeeper.incidents import service as incidents
from watchkeeper.incidents.models import Incident
from watchkeeper.incidents.schemas import (
    CloseIn,
    IncidentOut,
    LinkIn,
    MergeIn,
    NoteIn,
    ReasonIn,
    ResolveIn,
    TaskIn,
    TaskOut,
    TaskUpdate,
    TimelineEntryOut,
)
from watchkeeper.pipeline.correlate import merge as merging
from watchkeeper.web.api.v1.incident_views import incident_out
from watchkeeper.web.api.v1.incidents import actor_of
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import ApiResponder, ApiViewer, DbSession, Now

router = APIRouter(prefix="/incidents/{incident_id}", tags=["incidents"])


def _out(session: Session, incident: Incident, now: datetime) -> IncidentOut:
    return incident_out(incident, incidents.load_policy(session), now)


@router.post("/acknowledge", summary="Acknowledge (stops escalation)")
def acknowledge(
    principal: ApiResponder, session: DbSession, now: Now, incident_id: Id
) -> IncidentOut:
    incident = transitions.acknowledge(
        session, incident_id=incident_id, actor=actor_of(principal), now=now
    )
    return _out(session, incident, now)


@router.post("/resolve", summary="Resolve")
def resolve(
    principal: ApiResponder,
    session: DbSession,
    now: Now,
    incident_id: Id,
    body: ResolveIn | None = None,
) -> IncidentOut:
    note = body.note if body else None
    incident = transitions.resolve(
        session, incident_id=incident_id, actor=actor_of(principal), now=now, note=note
    )
    return _out(session, incident, now)


@router.post("/hold", summary="Put on hold (waiting on a third party; the resolve clock pauses)")
def hold(
    principal: ApiResponder,
    session: DbSession,
    now: Now,
    incident_id: Id,
    body: ReasonIn | None = None,
) -> IncidentOut:
    incident = transitions.hold(
        session,
        incident_id=incident_id,
        actor=actor_of(principal),
        now=now,
        reason=body.reason if body else None,
    )
    return _out(session, incident, now)


@router.post("/resume", summary="Take off hold")
def resume(principal: ApiResponder, session: DbSession, now: Now, incident_id: Id) -> IncidentOut:
    incident = transitions.resume(
        session, incident_id=incident_id, actor=actor_of(principal), now=now
    )
    return _out(session, incident, now)


@router.post("/reopen", summary="Reopen a resolved incident (within the reopen window)")
def reopen(
    principal: ApiResponder,
    request: Request,
    session: DbSession,
    now: Now,
    incident_id: Id,
    body: ReasonIn | None = None,
) -> IncidentOut:
    window = timedelta(days=context_of(request).settings.reopen_window_days)
    incident = transitions.reopen(
        session,
        incident_id=incident_id,
        actor=actor_of(principal),
        now=now,
        reason=body.reason if body else None,
        window=window,
    )
    return _out(session, incident, now)


@router.post("/close", summary="Close a resolved incident (P1-P2 need a code and notes)")
def close(
    principal: ApiResponder, session: DbSession, now: Now, incident_id: Id, body: CloseIn
) -> IncidentOut:
    incident = transitions.close(
        session, incident_id=incident_id, actor=actor_of(principal), now=now, data=body
    )
    return _out(session, incident, now)


@router.post("/notes", status_code=201, summary="Add a note to the timeline")
def add_note(
    principal: ApiResponder, session: DbSession, now: Now, incident_id: Id, body: NoteIn
) -> TimelineEntryOut:
    entry = incidents.add_note(
        session, incident_id=incident_id, text=body.text, actor=actor_of(principal), now=now
    )
    return TimelineEntryOut.model_validate(entry)


@router.get("/timeline", summary="The timeline, oldest first")
def timeline(
    _: ApiViewer,
    session: DbSession,
    incident_id: Id,
    after_id: Annotated[After | None, Query(description="Entries after this id")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 500,
) -> list[TimelineEntryOut]:
    incidents.get(session, incident_id=incident_id)
    rows = queries.timeline(session, incident_id=incident_id, after_id=after_id, limit=limit)
    return [TimelineEntryOut.model_validate(row) for row in rows]


@router.get("/tasks", summary="The checklist")
def list_tasks(_: ApiViewer, session: DbSession, incident_id: Id) -> list[TaskOut]:
    return [TaskOut.model_validate(row) for row in tasks.list_(session, incident_id=incident_id)]


@router.post("/tasks", status_code=201, summary="Add a task")
def add_task(
    principal: ApiResponder, session: DbSession, now: Now, incident_id: Id, body: TaskIn
) -> TaskOut:
    task = tasks.add(
        session, incident_id=incident_id, data=body, actor=actor_of(principal), now=now
    )
    return TaskOut.model_validate(task)


@router.patch("/tasks/{task_id}", summary="Check, uncheck, rename or assign a task")
def change_task(
    principal: ApiResponder,
    session: DbSession,
    now: Now,
    incident_id: Id,
    task_id: Id,
    body: TaskUpdate,
) -> TaskOut:
    task = tasks.change(
        session,
        incident_id=incident_id,
        task_id=task_id,
        data=body,
        actor=actor_of(principal),
        now=now,
    )
    return TaskOut.model_validate(task)


@router.post(
    "/merge",
    summary="Merge other incidents into this one (they close as duplicates; open alerts move)",
)
def merge(
    principal: ApiResponder, session: DbSession, now: Now, incident_id: Id, body: MergeIn
) -> IncidentOut:
    survivor = merging.merge(
        session,
        survivor_id=incident_id,
        duplicate_ids=body.incident_ids,
        actor=actor_of(principal),
        now=now,
    )
    return _out(session, survivor, now)


@router.get("/related", summary="Ids of related incidents")
def related(_: ApiViewer, session: DbSession, incident_id: Id) -> list[int]:
    incidents.get(session, incident_id=incident_id)
    return links.related_ids(session, incident_id=incident_id)


@router.post("/links", status_code=204, summary="Link a related incident (idempotent)")
def add_link(
    principal: ApiResponder, session: DbSession, now: Now, incident_id: Id, body: LinkIn
) -> None:
    links.link(
        session,
        incident_id=incident_id,
        other_id=body.incident_id,
        actor=actor_of(principal),
        now=now,
    )


@router.delete("/links/{other_id}", status_code=204, summary="Unlink a related incident")
def remove_link(
    principal: ApiResponder, session: DbSession, now: Now, incident_id: Id, other_id: Id
) -> None:
    links.unlink(
        session, incident_id=incident_id, other_id=other_id, actor=actor_of(principal), now=now
    )
