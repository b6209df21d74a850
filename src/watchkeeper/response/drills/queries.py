"""Reading drills and runs for the API, the pages and the reports' exclusion filter."""

from __future__ import annotations

from datetime import datetime
from statistics import median

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from watchkeeper.incidents.models import Incident
from watchkeeper.pipeline.correlate.models import Alert
from watchkeeper.response.drills.models import Drill, DrillRun
from watchkeeper.response.drills.schemas import (
    DrillOut,
    DrillRunOut,
    Paged,
    TrainingDrill,
    TrainingRecord,
)


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


TRAINING_SCAN = 1000  # the latest drill runs a training record looks through


def training(session: Session, *, user_id: int, login: str) -> TrainingRecord:
    """The person's drills among the latest runs: paged by, acknowledged, in how long."""
    rows = session.execute(
        select(DrillRun, Drill.name)
        .join(Drill, Drill.id == DrillRun.drill_id)
        .where(DrillRun.status != "fired")
        .order_by(DrillRun.id.desc())
        .limit(TRAINING_SCAN)
    ).all()
    taken = []
    for run, name in rows:
        mine = [page for page in run.paged if page.get("user_id") == user_id]
        if not mine:
            continue
        acked = run.acknowledged_by == login
        taken.append(
            TrainingDrill(
                run_id=run.id,
                drill=name,
                fired_at=run.fired_at,
                paged_at=datetime.fromisoformat(str(mine[0]["at"])),
                status=run.status,
                acknowledged_by_them=acked,
                ack_seconds=run.ack_seconds if acked else None,
            )
        )
    times = [d.ack_seconds for d in taken if d.ack_seconds is not None]
    return TrainingRecord(
        user_id=user_id,
        login=login,
        drills_paged=len(taken),
        drills_acknowledged=len(times),
        median_ack_seconds=float(median(times)) if times else None,
        drills=taken,
    )


def not_a_drill_alert() -> ColumnElement[bool]:
    """Alerts that no drill sent (a drill's event carries its run's key as dedup key)."""
    return Alert.fingerprint.not_in(select(DrillRun.dedup_key).scalar_subquery())
