"""Engine entry point of escalation: start, stop and advance escalations; page people.

An incident that is triggered gets an escalation: a snapshot of its service's policy.
Each due level pages whoever its targets mean at that moment and waits its delay for an
acknowledgement; acknowledging (or resolving) only changes the incident's status, and
this stage sees that and stops. A reopened incident starts a new escalation.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from watchkeeper.catalog.services.models import Service
from watchkeeper.db.claim import claim
from watchkeeper.incidents.lifecycle import OPEN, Status
from watchkeeper.incidents.models import Incident
from watchkeeper.incidents.schemas import Source
from watchkeeper.incidents.timeline import ENGINE, record
from watchkeeper.pipeline.escalation import service
from watchkeeper.pipeline.escalation.models import Escalation
from watchkeeper.pipeline.escalation.schemas import Target

BATCH = 100


def run_once(session: Session, now: datetime) -> int:
    return _start(session, now) + _stop(session) + _fire(session, now) + _reassigned(session, now)


def _start(session: Session, now: datetime) -> int:
    """Triggered incidents without an escalation for their current trigger get one."""
    rows = session.execute(
        select(Incident, Escalation)
        .outerjoin(Escalation, Escalation.incident_id == Incident.id)
        .where(
            Incident.status == Status.TRIGGERED,
            or_(Escalation.incident_id.is_(None), Escalation.generation < Incident.reopened_count),
        )
        .order_by(Incident.id)
        .limit(BATCH)
    ).all()
    policies: dict[int, int | None] = {}  # service -> policy, for this batch
    snapshots: dict[int, dict[str, Any]] = {}
    for incident, escalation in rows:
        if incident.service_id not in policies:
            policies[incident.service_id] = session.scalar(
                select(Service.escalation_policy_id).where(Service.id == incident.service_id)
            )
        policy_id = policies[incident.service_id]
        if policy_id and policy_id not in snapshots:
            snapshots[policy_id] = service.snapshot(session, policy_id)
        snapshot = snapshots[policy_id] if policy_id else {}
        if escalation is None:
            escalation = Escalation(incident_id=incident.id, last_assignee_id=None)
            session.add(escalation)
        escalation.policy_id = policy_id
        escalation.snapshot = snapshot
        escalation.generation = incident.reopened_count
        escalation.level = 0
        escalation.round = 0
        escalation.started_at = now
        escalation.status = "active" if policy_id else "done"
        escalation.next_at = now if policy_id else None
        if policy_id is None and incident.source == Source.ALERT:
            # Declared by a person, someone is already on it; from an alert, maybe nobody.
            record(
                session,
                incident_id=incident.id,
                kind="escalation",
                summary="its service has no escalation policy: nobody is paged automatically",
                actor=ENGINE,
                at=now,
            )
    session.flush()
    return len(rows)


def _stop(session: Session) -> int:
    """Escalations of incidents no longer triggered (acknowledged, resolved...) stop."""
    rows = session.scalars(
        select(Escalation)
        .join(Incident, Incident.id == Escalation.incident_id)
        .where(Escalation.status == "active", Incident.status != Status.TRIGGERED)
        .limit(BATCH)
    ).all()
    for escalation in rows:
        escalation.status = "stopped"
        escalation.next_at = None
    return len(rows)


def _fire(session: Session, now: datetime) -> int:
    due = claim(
        session,
        select(Escalation)
        .join(Incident, Incident.id == Escalation.incident_id)
        .where(
            Escalation.status == "active",
            Escalation.next_at <= now,
            Incident.status == Status.TRIGGERED,
        )
        .order_by(Escalation.next_at)
        .limit(BATCH),
    )
    escalations = session.scalars(due).all()
    for escalation in escalations:
        incident = session.get(Incident, escalation.incident_id)
        assert incident is not None
        # Levels that reach nobody move on at once: fire until one waits (or all ran).
        levels = len(escalation.snapshot["levels"]) * (escalation.snapshot["repeat"] + 1)
        for _ in range(levels):
            _fire_level(session, escalation, incident, now)
            if escalation.next_at is None or escalation.next_at > now:
                break
    return len(escalations)


def _fire_level(
    session: Session, escalation: Escalation, incident: Incident, now: datetime
) -> None:
    levels = escalation.snapshot["levels"]
    level = levels[escalation.level]
    number = escalation.level + 1
    targets = [Target.model_validate(t) for t in level["targets"]]
    users = service.resolve_targets(session, targets, now)
    round_note = f", round {escalation.round + 1}" if escalation.round else ""
    if users:
        service.page(
            session,
            incident=incident,
            user_ids=users,
            reason=f"escalation level {number}{round_note}",
            actor=ENGINE,
            now=now,
            level=number,
        )
        wait = timedelta(minutes=level["delay_minutes"])
    else:
        _unroutable(session, incident, number, now)
        wait = timedelta(0)  # move on at once
    escalation.level += 1
    if escalation.level >= len(levels):
        if escalation.round < escalation.snapshot["repeat"]:
            escalation.round += 1
            escalation.level = 0
        else:
            escalation.status = "done"
            escalation.next_at = None
            return
    escalation.next_at = now + wait


def _unroutable(session: Session, incident: Incident, number: int, now: datetime) -> None:
    """A level that reaches nobody is on the timeline, and the admins are paged."""
    record(
        session,
        incident_id=incident.id,
        kind="unroutable",
        summary=f"escalation level {number} reached nobody (no one on call or no active users)",
        actor=ENGINE,
        at=now,
        data={"level": number},
    )
    service.page(
        session,
        incident=incident,
        user_ids=service.admins(session),
        reason=f"escalation level {number} reached nobody",
        actor=ENGINE,
        now=now,
        level=number,
    )


def _reassigned(session: Session, now: datetime) -> int:
    """Whoever an open incident is (re)assigned to is paged."""
    rows = session.execute(
        select(Escalation, Incident)
        .join(Incident, Incident.id == Escalation.incident_id)
        .where(
            Incident.assignee_id.is_not(None),
            Incident.status.in_([s.value for s in OPEN]),
            or_(
                Escalation.last_assignee_id.is_(None),
                and_(
                    Escalation.last_assignee_id.is_not(None),
                    Escalation.last_assignee_id != Incident.assignee_id,
                ),
            ),
        )
        .limit(BATCH)
    ).all()
    for escalation, incident in rows:
        assert incident.assignee_id is not None
        escalation.last_assignee_id = incident.assignee_id
        service.page(
            session,
            incident=incident,
            user_ids=[incident.assignee_id],
            reason="assigned to the incident",
            actor=ENGINE,
            now=now,
        )
    return len(rows)
