"""Engine entry point of incidents: SLA warnings at 80% of a target and breaches at 100%.

Each incident carries `sla_next_at`, the moment its next warning or breach is due, so a
run reads only the incidents that need it, through one index.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.core.priority import label
from watchkeeper.db.claim import claim
from watchkeeper.incidents.lifecycle import Status
from watchkeeper.incidents.models import Incident
from watchkeeper.incidents.record import schedule_sla
from watchkeeper.incidents.sla import ClockState
from watchkeeper.incidents.timeline import ENGINE, record

BATCH = 200
_NAMES = {"acknowledge": "acknowledged", "resolve": "resolved"}


@dataclass(frozen=True)
class SlaEvent:
    incident_id: int
    clock: str  # "acknowledge" or "resolve"
    kind: str  # "warning" or "breach"
    priority: int


def check(session: Session, now: datetime) -> tuple[int, list[SlaEvent]]:
    """Handle incidents whose SLA moment has come; returns how many, and what happened."""
    due = claim(
        session,
        select(Incident)
        .where(Incident.sla_next_at <= now)
        .order_by(Incident.sla_next_at)
        .limit(BATCH),
    )
    incidents = session.scalars(due).all()
    events: list[SlaEvent] = []
    for incident in incidents:
        events += _advance(session, incident, now)
        schedule_sla(incident)
    return len(incidents), events


def _advance(session: Session, incident: Incident, now: datetime) -> list[SlaEvent]:
    events: list[SlaEvent] = []
    if incident.status == Status.TRIGGERED and incident.sla_ack == ClockState.PENDING:
        events += _clock(session, incident, "acknowledge", now)
    running = incident.status in (Status.TRIGGERED, Status.ACKNOWLEDGED)
    if running and incident.sla_resolve == ClockState.PENDING and incident.paused_since is None:
        events += _clock(session, incident, "resolve", now)
    return events


def _clock(session: Session, incident: Incident, clock: str, now: datetime) -> list[SlaEvent]:
    prefix = "ack" if clock == "acknowledge" else "resolve"
    due_at: datetime = getattr(incident, f"{prefix}_due_at")
    warn_at: datetime = getattr(incident, f"{prefix}_warn_at")
    state_field = "sla_ack" if clock == "acknowledge" else "sla_resolve"
    warned_field = f"{state_field}_warned"
    events: list[SlaEvent] = []
    if due_at <= now:
        setattr(incident, state_field, ClockState.BREACHED.value)
        setattr(incident, warned_field, True)
        summary = (
            f"SLA breached: {label(incident.priority)} not {_NAMES[clock]} "
            f"by {due_at:%Y-%m-%d %H:%M} UTC"
        )
        events.append(SlaEvent(incident.id, clock, "breach", incident.priority))
    elif warn_at <= now and not getattr(incident, warned_field):
        setattr(incident, warned_field, True)
        left = int((due_at - now).total_seconds() // 60)
        summary = (
            f"SLA warning: 80% of the time to {clock} is gone; "
            f"due {due_at:%Y-%m-%d %H:%M} UTC ({left} min left)"
        )
        events.append(SlaEvent(incident.id, clock, "warning", incident.priority))
    else:
        return events
    record(
        session,
        incident_id=incident.id,
        kind=f"sla_{events[-1].kind}",
        summary=summary,
        actor=ENGINE,
        at=now,
        data={"clock": clock, "due_at": due_at.isoformat(), "priority": label(incident.priority)},
    )
    return events
