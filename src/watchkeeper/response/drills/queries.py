"""Reading drills and runs for the API, the pages and the reports' exclusion filter."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from watchkeeper.incidents.models import Incident
from watchkeeper.response.drills.models import Drill, DrillRun
from watchkeeper.response.drills.schemas import DrillOut, DrillRunOut, Paged


def not_a_drill() -> ColumnElement[bool]:
    """Incidents that are not drills: what reports and status pages count."""
    drills = select(DrillRun.incident_id).where(DrillRun.incident_id.is_not(None))
    return Incident.id.not_in(drills.scalar_subquery())


def drill_incidents(session: Session, incident_ids: list[int]) -> set[int]:
    if not incident_ids:
        return set()
    stmt = select(DrillRun.incident_id).where(DrillRun.incident_id.in_(incident_ids))
    return {ref for ref in session.scalars(stmt) if ref is not None}


def runs(session: Session, *, drill_id: int, limit: int = 100) -> list[DrillRunOut]:
    stmt = (
        select(DrillRun)
        .where(DrillRun.drill_id == drill_id)
        .order_by(DrillRun.id.desc())
        .limit(limit)
    )
    return [run_out(run) for run in session.scalars(stmt)]


def run_out(run: DrillRun) -> DrillRunOut:
    return DrillRunOut(
        id=run.id,
        drill_id=run.drill_id,
        fired_at=run.fired_at,
        status=run.status,
        incident_id=run.incident_id,
        deadline_at=run.deadline_at,
        paged=[Paged.model_validate(item) for item in run.paged],
        acknowledged_at=run.acknowledged_at,
        acknowledged_by=run.acknowledged_by,
        ack_seconds=run.ack_seconds,
        reported_at=run.reported_at,
    )


def drill_out(drill: Drill) -> DrillOut:
    return DrillOut.model_validate(drill, from_attributes=True)
