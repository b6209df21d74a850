"""Reading what workflows need and show: incidents with their facts, runs, calls."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.catalog.categories.models import Category
from watchkeeper.catalog.services.models import Service
from watchkeeper.incidents.models import Incident
from watchkeeper.pipeline.correlate.models import Alert
from watchkeeper.response.drills.models import DrillRun
from watchkeeper.response.workflows.matching import Facts
from watchkeeper.response.workflows.models import WorkflowCall, WorkflowRun
from watchkeeper.response.workflows.schemas import ActionResult, RunOut

ALERTS_PER_INCIDENT = 20


@dataclass(frozen=True)
class Loaded:
    incident: Incident
    facts: Facts
    service: str
    category: str
    drill: bool

    @property
    def labels(self) -> dict[str, str]:
        return dict(self.facts.labels[0]) if self.facts.labels else {}


def load(session: Session, incident_ids: Iterable[int]) -> dict[int, Loaded]:
    """Incidents with what conditions and templates read, in four queries."""
    ids = sorted(set(incident_ids))
    if not ids:
        return {}
    found = session.scalars(select(Incident).where(Incident.id.in_(ids))).all()
    services = {
        row.id: row
        for row in session.execute(
            select(Service.id, Service.name, Service.owner_team_id).where(
                Service.id.in_({incident.service_id for incident in found})
            )
        )
    }
    categories = dict(session.execute(select(Category.id, Category.name)).all())
    labels: dict[int, list[dict[str, str]]] = defaultdict(list)
    for incident_id, alert_labels in session.execute(
        select(Alert.incident_id, Alert.labels)
        .where(Alert.incident_id.in_(ids))
        .order_by(Alert.incident_id, Alert.id)
    ):
        if incident_id is not None and len(labels[incident_id]) < ALERTS_PER_INCIDENT:
            labels[incident_id].append(dict(alert_labels or {}))
    drills = set(session.scalars(select(DrillRun.incident_id).where(DrillRun.incident_id.in_(ids))))
    loaded = {}
    for incident in found:
        service = services.get(incident.service_id)
        loaded[incident.id] = Loaded(
            incident=incident,
            facts=Facts(
                service_id=incident.service_id,
                team_id=service.owner_team_id if service else None,
                category_id=incident.category_id,
                priority=incident.priority,
                labels=tuple(labels.get(incident.id, ())),
            ),
            service=service.name if service else "",
            category=categories.get(incident.category_id, "") if incident.category_id else "",
            drill=incident.id in drills,
        )
    return loaded


def runs(
    session: Session,
    *,
    workflow_id: int | None = None,
    incident_id: int | None = None,
    limit: int = 100,
) -> list[RunOut]:
    stmt = select(WorkflowRun).order_by(WorkflowRun.id.desc()).limit(limit)
    if workflow_id is not None:
        stmt = stmt.where(WorkflowRun.workflow_id == workflow_id)
    if incident_id is not None:
        stmt = stmt.where(WorkflowRun.incident_id == incident_id)
    return [run_out(run) for run in session.scalars(stmt)]


def run_out(run: WorkflowRun) -> RunOut:
    return RunOut(
        id=run.id,
        workflow_id=run.workflow_id,
        incident_id=run.incident_id,
        entry_id=run.entry_id,
        depth=run.depth,
        at=run.at,
        matched=list(run.matched),
        results=[ActionResult.model_validate(result) for result in run.results],
    )


def calls(session: Session, *, run_ids: Sequence[int]) -> list[WorkflowCall]:
    if not run_ids:
        return []
    stmt = select(WorkflowCall).where(WorkflowCall.run_id.in_(list(run_ids)))
    return list(session.scalars(stmt.order_by(WorkflowCall.id)))
