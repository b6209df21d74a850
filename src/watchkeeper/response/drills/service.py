"""Drills: make one, fire it. Firing writes a test event into the chosen service's intake,
exactly as an integration would, so the whole pipeline (routing, noise rules, escalation,
notification) is what gets tested. Callers own the transaction."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.catalog.services.models import Service
from watchkeeper.db.unique import add_unique
from watchkeeper.pipeline.ingest.events import Action, NormalizedEvent, Severity
from watchkeeper.pipeline.ingest.writer import Submission, write_batch
from watchkeeper.response.cron import next_fire
from watchkeeper.response.cron import problem as cron_problem
from watchkeeper.response.drills import errors
from watchkeeper.response.drills.models import Drill, DrillRun
from watchkeeper.response.drills.schemas import PREFIX, DrillCreate

SOURCE = "watchkeeper drill"


def check_cron(cron: str) -> None:
    found = cron_problem(cron)
    if found:
        raise errors.bad_cron(cron, found)


def create(session: Session, *, data: DrillCreate, user_id: int | None, now: datetime) -> Drill:
    if session.get(Service, data.service_id) is None:
        raise errors.unknown_service(data.service_id)
    if data.cron is not None:
        check_cron(data.cron)
    drill = Drill(
        name=data.name,
        service_id=data.service_id,
        ack_limit_minutes=data.ack_limit_minutes,
        cron=data.cron,
        zone=data.zone,
        next_at=next_fire(data.cron, data.zone, now) if data.cron else None,
        created_by_id=user_id,
        created_at=now,
        updated_at=now,
    )
    add_unique(session, drill, lambda: errors.name_taken(data.name))
    return drill


def get(session: Session, *, drill_id: int) -> Drill:
    drill = session.get(Drill, drill_id)
    if drill is None:
        raise errors.not_found(drill_id)
    return drill


def list_(session: Session) -> Sequence[Drill]:
    return session.scalars(select(Drill).order_by(Drill.name)).all()


def delete(session: Session, *, drill_id: int) -> None:
    session.delete(get(session, drill_id=drill_id))
    session.flush()


def fire(session: Session, *, drill: Drill, user_id: int | None, now: datetime) -> DrillRun:
    """Send the drill's test event into its service's intake and start timing."""
    key = f"drill-{drill.id}-{uuid.uuid4().hex[:12]}"
    run = DrillRun(
        drill_id=drill.id,
        dedup_key=key,
        fired_at=now,
        fired_by_id=user_id,
        incident_id=None,
        status="fired",
        deadline_at=now + timedelta(minutes=drill.ack_limit_minutes),
        paged=[],
    )
    session.add(run)
    session.flush()
    send(session, drill=drill, key=key, action=Action.TRIGGER, now=now)
    return run


def send(session: Session, *, drill: Drill, key: str, action: Action, now: datetime) -> None:
    event = NormalizedEvent(
        action=action,
        dedup_key=key,
        summary=f"{PREFIX} {drill.name}: a test incident, please acknowledge it",
        severity=Severity.CRITICAL,
        source=SOURCE,
        labels={"alertname": "Drill", "drill": drill.name[:100]},
        details={"drill_id": drill.id, "note": "This is a drill; acknowledging it is the test."},
    )
    raw = json.dumps(event.model_dump(mode="json")).encode()
    write_batch(
        session,
        [
            Submission(
                integration_id=None,
                service_id=drill.service_id,
                received_at=now,
                events=[event],
                raw=raw,
            )
        ],
    )
