"""Engine entry: read new timeline entries, and run the workflows they trigger.

The engine reads entries after the changes that wrote them committed, in id order, from
a cursor. A run reads a batch of entries, the enabled workflows, the incidents and their
facts, and earlier runs' depths with a fixed number of queries; only the actions of the
workflows that match write more, one savepoint each. Loops cannot happen: a workflow
never reacts to entries its own actions wrote, and a chain of workflows triggering each
other stops at `MAX_DEPTH`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from watchkeeper.db.upsert import insert_for
from watchkeeper.incidents.lifecycle import OPEN
from watchkeeper.incidents.models import Incident, TimelineEntry
from watchkeeper.incidents.timeline import Actor, record
from watchkeeper.response.cron import next_fire
from watchkeeper.response.workflows import service
from watchkeeper.response.workflows.matching import ALL_KINDS, Entry, actor_name, evaluate, fires
from watchkeeper.response.workflows.models import Workflow, WorkflowCursor, WorkflowRun
from watchkeeper.response.workflows.perform import Subject, context_for, execute
from watchkeeper.response.workflows.queries import Loaded, load
from watchkeeper.response.workflows.schemas import ActionResult, DryRunOut, Trigger

BATCH = 200
MAX_RUNS = 50  # per engine run; the rest waits for the next one
MAX_DEPTH = 3
MAX_SCHEDULED = 10  # scheduled workflows per engine run, each over open incidents
CURSOR = "timeline"
KIND = "workflow"


def run_once(session: Session, now: datetime, *, base_url: str) -> int:
    return _scheduled(session, now, base_url) + _triggered(session, now, base_url)


def _triggered(session: Session, now: datetime, base_url: str) -> int:
    position = _cursor(session)
    # The newest entry first: entries committed after this statement wait for the next run
    # rather than being skipped over (on PostgreSQL each statement sees new commits).
    last = session.scalar(select(func.max(TimelineEntry.id))) or 0
    workflows = list(session.scalars(select(Workflow).where(Workflow.enabled.is_(True))))
    if not workflows or last <= position:
        # Nothing to run: skip ahead, so a workflow made later starts from there.
        if last > position:
            _move(session, last)
        return 0
    rows = session.scalars(
        select(TimelineEntry)
        .where(
            TimelineEntry.id > position,
            TimelineEntry.id <= last,
            TimelineEntry.kind.in_(ALL_KINDS),
        )
        .order_by(TimelineEntry.id)
        .limit(BATCH)
    ).all()
    if not rows:
        _move(session, last)
        return 0
    entries = [_entry(row) for row in rows]
    loaded = load(session, {entry.incident_id for entry in entries})
    depths = _depths(session, {entry.incident_id for entry in entries})
    done, runs = position, 0
    for entry in entries:
        subject = loaded.get(entry.incident_id)
        if subject is not None:
            for workflow in workflows:
                if _wanted(workflow, entry, subject, depths, now):
                    _run(session, workflow, entry, subject, depths, now, base_url)
                    runs += 1
        done = entry.id
        if runs >= MAX_RUNS:
            break
    _move(session, done)
    return runs + len(entries)


def _wanted(
    workflow: Workflow,
    entry: Entry,
    subject: Loaded,
    depths: dict[tuple[int, int], int],
    now: datetime,
) -> bool:
    if entry.at < workflow.created_at or entry.workflow_id() == workflow.id:
        return False
    if not fires(Trigger(workflow.trigger), workflow.trigger_value, entry):
        return False
    if _depth_of(entry, depths) >= MAX_DEPTH:
        return False
    _, missing = evaluate(service.conditions_of(workflow), subject.facts, now)
    return not missing


def _run(
    session: Session,
    workflow: Workflow,
    entry: Entry,
    subject: Loaded,
    depths: dict[tuple[int, int], int],
    now: datetime,
    base_url: str,
) -> None:
    depth = _depth_of(entry, depths)
    matched, _ = evaluate(service.conditions_of(workflow), subject.facts, now)
    run_id = session.scalar(
        insert_for(session, WorkflowRun)
        .values(
            workflow_id=workflow.id,
            incident_id=entry.incident_id,
            entry_id=entry.id,
            depth=depth,
            at=now,
            matched=[f"{workflow.trigger} ({entry.summary[:100]})", *matched],
            results=[],
        )
        .on_conflict_do_nothing(index_elements=["workflow_id", "entry_id"])
        .returning(WorkflowRun.id)
    )
    if run_id is None:
        return  # ran already (an entry read twice)
    depths[(workflow.id, entry.incident_id)] = max(
        depth, depths.get((workflow.id, entry.incident_id), 0)
    )
    _act(session, workflow, run_id, _subject(subject, entry, workflow, base_url), now)


def _act(
    session: Session, workflow: Workflow, run_id: int, subject: Subject, now: datetime
) -> None:
    """Do the run's actions, keep their results, and say so on the incident's timeline."""
    actor = Actor(None, actor_name(workflow.id, workflow.name))
    results = execute(
        session,
        actions=service.actions_of(workflow),
        subject=subject,
        actor=actor,
        now=now,
        run=(workflow.id, run_id),
    )
    run = session.get(WorkflowRun, run_id)
    assert run is not None
    run.results = [result.model_dump() for result in results]
    record(
        session,
        incident_id=subject.incident.id,
        kind=KIND,
        summary=_summary(workflow.name, results),
        actor=actor,
        at=now,
        data={"workflow_id": workflow.id, "run_id": run_id, "results": run.results},
    )


def _scheduled(session: Session, now: datetime, base_url: str) -> int:
    """Scheduled workflows now due act on each open incident that meets their conditions;
    moving `next_at` in the same transaction makes each tick run once."""
    due = session.scalars(
        select(Workflow)
        .where(
            Workflow.enabled.is_(True),
            Workflow.trigger == Trigger.SCHEDULE.value,
            Workflow.next_at <= now,
        )
        .order_by(Workflow.next_at)
        .limit(MAX_SCHEDULED)
    ).all()
    if not due:
        return 0
    open_ids = session.scalars(
        select(Incident.id)
        .where(Incident.status.in_(list(OPEN)))
        .order_by(Incident.id.desc())
        .limit(MAX_RUNS)
    ).all()
    loaded = load(session, open_ids)
    runs = 0
    for workflow in due:
        said = f"schedule {workflow.trigger_value} ({workflow.zone})"
        for subject in loaded.values():
            matched, missing = evaluate(service.conditions_of(workflow), subject.facts, now)
            if missing:
                continue
            run = WorkflowRun(
                workflow_id=workflow.id,
                incident_id=subject.incident.id,
                entry_id=None,
                depth=0,
                at=now,
                matched=[said, *matched],
                results=[],
            )
            session.add(run)
            session.flush()
            tick = Entry(0, subject.incident.id, "schedule", said, "engine", now)
            _act(session, workflow, run.id, _subject(subject, tick, workflow, base_url), now)
            runs += 1
        workflow.next_at = next_fire(workflow.trigger_value, workflow.zone, now)
    return runs + len(due)


def dry_run(
    session: Session, *, workflow: Workflow, incident_id: int, now: datetime, base_url: str
) -> DryRunOut:
    """What the workflow would do to the incident as it is now; writes nothing."""
    from watchkeeper.incidents.service import get

    get(session, incident_id=incident_id)  # a 404 for an unknown incident
    subject = load(session, [incident_id])[incident_id]
    matched, missing = evaluate(service.conditions_of(workflow), subject.facts, now)
    event = Entry(0, incident_id, "test", "a test of this workflow", "test", now)
    results = execute(
        session,
        actions=service.actions_of(workflow),
        subject=_subject(subject, event, workflow, base_url),
        actor=Actor(None, actor_name(workflow.id, workflow.name)),
        now=now,
        run=None,
    )
    return DryRunOut(
        incident_id=incident_id,
        matches=not missing,
        matched=matched,
        not_matched=missing,
        actions=results,
    )


def _subject(subject: Loaded, entry: Entry, workflow: Workflow, base_url: str) -> Subject:
    context = context_for(
        subject.incident,
        service=subject.service,
        category=subject.category,
        labels=subject.labels,
        event={"kind": entry.kind, "summary": entry.summary, "at": entry.at.isoformat()},
        workflow={"id": workflow.id, "name": workflow.name},
        base_url=base_url,
        drill=subject.drill,
    )
    return Subject(incident=subject.incident, context=context)


def _summary(name: str, results: Sequence[ActionResult]) -> str:
    done = sum(1 for result in results if result.ok)
    said = f"workflow {name!r} ran: {done} of {len(results)} actions done"
    failed = [f"{result.kind}: {result.detail}" for result in results if not result.ok]
    return said + ("; failed " + "; ".join(failed) if failed else "")


def _depth_of(entry: Entry, depths: dict[tuple[int, int], int]) -> int:
    """0 for a person's or the pipeline's change; one more than the run whose action
    wrote the entry otherwise."""
    writer = entry.workflow_id()
    if writer is None:
        return 0
    return depths.get((writer, entry.incident_id), 0) + 1


def _depths(session: Session, incident_ids: set[int]) -> dict[tuple[int, int], int]:
    rows = session.execute(
        select(WorkflowRun.workflow_id, WorkflowRun.incident_id, func.max(WorkflowRun.depth))
        .where(WorkflowRun.incident_id.in_(sorted(incident_ids)))
        .group_by(WorkflowRun.workflow_id, WorkflowRun.incident_id)
    )
    return {(workflow_id, incident_id): depth for workflow_id, incident_id, depth in rows}


def _entry(row: TimelineEntry) -> Entry:
    return Entry(
        id=row.id,
        incident_id=row.incident_id,
        kind=row.kind,
        summary=row.summary,
        actor=row.actor,
        at=row.at,
        data=row.data or {},
    )


def _cursor(session: Session) -> int:
    session.execute(
        insert_for(session, WorkflowCursor)
        .values(name=CURSOR, entry_id=0)
        .on_conflict_do_nothing(index_elements=["name"])
    )
    cursor = session.get(WorkflowCursor, CURSOR, with_for_update=True)
    assert cursor is not None
    return cursor.entry_id


def _move(session: Session, entry_id: int) -> None:
    cursor = session.get(WorkflowCursor, CURSOR)
    assert cursor is not None
    cursor.entry_id = entry_id
