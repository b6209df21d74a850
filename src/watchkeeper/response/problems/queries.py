"""The read side of problems: the API's view, filtered lists, the incidents of one over
time, and the known errors that new incidents are compared with."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.core.priority import label
from watchkeeper.incidents.models import Incident
from watchkeeper.pipeline.correlate.models import Alert
from watchkeeper.response.actions.models import ActionItem
from watchkeeper.response.problems.models import Problem, ProblemIncident
from watchkeeper.response.problems.schemas import LinkedIncident, ProblemOut, Status

LIMIT = 200
KNOWN_LIMIT = 200
FINGERPRINTS = 2_000


def out(session: Session, problem: Problem) -> ProblemOut:
    linked = session.scalars(
        select(Incident)
        .join(ProblemIncident, ProblemIncident.incident_id == Incident.id)
        .where(ProblemIncident.problem_id == problem.id)
        .order_by(Incident.created_at, Incident.id)
    ).all()
    items = session.scalars(
        select(ActionItem.id).where(ActionItem.problem_id == problem.id).order_by(ActionItem.id)
    ).all()
    return ProblemOut(
        id=problem.id,
        number=f"PRB-{problem.id}",
        title=problem.title,
        status=Status(problem.status),
        owner_id=problem.owner_id,
        root_cause=problem.root_cause,
        workaround=problem.workaround,
        incidents=[
            LinkedIncident(
                id=i.id,
                title=i.title,
                priority=label(i.priority),
                status=i.status,
                service_id=i.service_id,
                created_at=i.created_at,
            )
            for i in linked
        ],
        action_item_ids=list(items),
        created_at=problem.created_at,
        updated_at=problem.updated_at,
        resolved_at=problem.resolved_at,
    )


def list_(
    session: Session, *, status: Sequence[Status] = (), owner_id: int | None = None
) -> Sequence[Problem]:
    stmt = select(Problem)
    if status:
        stmt = stmt.where(Problem.status.in_([s.value for s in status]))
    if owner_id is not None:
        stmt = stmt.where(Problem.owner_id == owner_id)
    return session.scalars(
        stmt.order_by(Problem.updated_at.desc(), Problem.id.desc()).limit(LIMIT)
    ).all()


def for_incident(session: Session, *, incident_id: int) -> Sequence[Problem]:
    stmt = (
        select(Problem)
        .join(ProblemIncident, ProblemIncident.problem_id == Problem.id)
        .where(ProblemIncident.incident_id == incident_id)
        .order_by(Problem.id)
    )
    return session.scalars(stmt).all()


@dataclass(frozen=True)
class KnownError:
    problem_id: int
    title: str
    workaround: str
    service_ids: frozenset[int]
    fingerprints: frozenset[str]


def known_errors(session: Session, *, service_ids: Sequence[int]) -> list[KnownError]:
    """Known errors whose linked incidents are on these services, with the services and
    alert fingerprints of those incidents: two queries, bounded."""
    if not service_ids:
        return []
    rows = session.execute(
        select(Problem.id, Problem.title, Problem.workaround, Incident.id, Incident.service_id)
        .join(ProblemIncident, ProblemIncident.problem_id == Problem.id)
        .join(Incident, Incident.id == ProblemIncident.incident_id)
        .where(Problem.status == Status.KNOWN_ERROR, Incident.service_id.in_(sorted(service_ids)))
        .limit(KNOWN_LIMIT)
    ).all()
    if not rows:
        return []
    by_incident = {row[3]: row[0] for row in rows}
    prints: dict[int, set[str]] = defaultdict(set)
    for incident_id, fingerprint in session.execute(
        select(Alert.incident_id, Alert.fingerprint)
        .where(Alert.incident_id.in_(sorted(by_incident)))
        .limit(FINGERPRINTS)
    ).all():
        if incident_id is not None:
            prints[by_incident[incident_id]].add(fingerprint)
    found: dict[int, KnownError] = {}
    for problem_id, title, workaround, _, service_id in rows:
        known = found.get(problem_id)
        services = (known.service_ids if known else frozenset()) | {service_id}
        found[problem_id] = KnownError(
            problem_id, title, workaround, frozenset(services), frozenset(prints[problem_id])
        )
    return list(found.values())
