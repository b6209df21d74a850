"""Problem use cases: record one (from an incident or a selection of them), link more
incidents later, move it new -> investigating -> known_error -> resolved. Linking is on
each incident's timeline. Callers own the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.incidents import service as incidents
from watchkeeper.incidents.models import Incident
from watchkeeper.incidents.timeline import Actor, Entries
from watchkeeper.response.problems import errors
from watchkeeper.response.problems.models import Problem, ProblemIncident
from watchkeeper.response.problems.schemas import LinkIn, ProblemCreate, ProblemUpdate, Status

MOVES: dict[Status, tuple[Status, ...]] = {
    Status.NEW: (Status.INVESTIGATING, Status.KNOWN_ERROR, Status.RESOLVED),
    Status.INVESTIGATING: (Status.KNOWN_ERROR, Status.RESOLVED),
    Status.KNOWN_ERROR: (Status.INVESTIGATING, Status.RESOLVED),
    Status.RESOLVED: (Status.INVESTIGATING,),
}


def create(session: Session, *, data: ProblemCreate, actor: Actor, now: datetime) -> Problem:
    incidents.check_user(session, "owner_id", data.owner_id)
    problem = Problem(
        title=data.title,
        status=Status.NEW.value,
        owner_id=data.owner_id if data.owner_id is not None else actor.user_id,
        root_cause=data.root_cause,
        workaround=data.workaround,
        created_at=now,
        updated_at=now,
    )
    session.add(problem)
    session.flush()
    _link(session, problem, data.incident_ids, actor, now)
    return problem


def get(session: Session, *, problem_id: int, lock: bool = False) -> Problem:
    stmt = select(Problem).where(Problem.id == problem_id)
    found = session.scalar(stmt.with_for_update() if lock else stmt)
    if found is None:
        raise errors.not_found(problem_id)
    return found


def link(
    session: Session, *, problem_id: int, data: LinkIn, actor: Actor, now: datetime
) -> Problem:
    problem = get(session, problem_id=problem_id, lock=True)
    _link(session, problem, data.incident_ids, actor, now)
    problem.updated_at = now
    return problem


def _link(
    session: Session, problem: Problem, wanted: Sequence[int], actor: Actor, now: datetime
) -> None:
    ids = list(dict.fromkeys(wanted))
    if not ids:
        return
    found = set(session.scalars(select(Incident.id).where(Incident.id.in_(ids))))
    for incident_id in ids:
        if incident_id not in found:
            raise errors.no_incident(incident_id)
    linked = set(
        session.scalars(
            select(ProblemIncident.incident_id).where(
                ProblemIncident.problem_id == problem.id, ProblemIncident.incident_id.in_(ids)
            )
        )
    )
    entries = Entries()
    for incident_id in ids:
        if incident_id in linked:
            continue
        session.add(ProblemIncident(problem_id=problem.id, incident_id=incident_id, linked_at=now))
        said = f"{actor.name} linked this incident to problem PRB-{problem.id}: {problem.title}"
        entries.add(incident_id, "problem", said, actor, now, {"problem_id": problem.id})
    session.flush()
    entries.write(session)


def update(
    session: Session, *, problem_id: int, data: ProblemUpdate, actor: Actor, now: datetime
) -> Problem:
    problem = get(session, problem_id=problem_id, lock=True)
    changes = data.model_dump(exclude_unset=True)
    if "owner_id" in changes:
        incidents.check_user(session, "owner_id", changes["owner_id"])
    target = changes.pop("status", None)
    for name, value in changes.items():
        setattr(problem, name, value)
    if target is not None and target != problem.status:
        allowed = MOVES[Status(problem.status)]
        if Status(target) not in allowed:
            raise errors.transition(problem.status, target, [s.value for s in allowed])
        problem.status = target
        problem.resolved_at = now if target == Status.RESOLVED else None
    if problem.status == Status.KNOWN_ERROR and not problem.workaround.strip():
        raise errors.needs_workaround()
    problem.updated_at = now
    return problem
