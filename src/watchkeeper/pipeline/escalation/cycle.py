"""Engine entry point of escalation: start, stop and advance escalations; page people.

An incident that is triggered gets an escalation: a snapshot of its service's policy.
Each due level pages whoever its targets mean at that moment and waits its delay for an
acknowledgement; acknowledging (or resolving) only changes the incident's status, and
this stage sees that and stops. A reopened incident starts a new escalation.

A run works on batches: it reads the escalations due with one query, resolves every
target of their levels with one query per kind, and writes escalations, pages and
timeline entries with multi-row statements. On PostgreSQL several engines share the work:
each claims its rows with SKIP LOCKED, so no escalation fires twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, exists, insert, or_, select, update
from sqlalchemy.orm import Session

from watchkeeper.catalog.services.models import Service
from watchkeeper.db.claim import claim
from watchkeeper.incidents.lifecycle import OPEN, Status
from watchkeeper.incidents.models import Incident
from watchkeeper.incidents.schemas import Source
from watchkeeper.incidents.timeline import ENGINE, Entries
from watchkeeper.pipeline.escalation import service
from watchkeeper.pipeline.escalation.models import Escalation
from watchkeeper.pipeline.escalation.pages import Pages, Targets
from watchkeeper.pipeline.escalation.schemas import Target

BATCH = 500
NO_POLICY = "its service has no escalation policy: nobody is paged automatically"


def run_once(session: Session, now: datetime) -> int:
    pages, entries = Pages(), Entries()
    handled = (
        _start(session, now, entries)
        + _stop(session)
        + _fire(session, now, Targets(session, now), pages, entries)
        + _reassigned(session, now, pages)
    )
    entries.write(session)  # before the pages' entries: "reached nobody", then "paged"
    pages.write(session)
    return handled


def _start(session: Session, now: datetime, entries: Entries) -> int:
    """Triggered incidents without an escalation for their current trigger get one."""
    rows = session.execute(
        claim(
            session,
            select(
                Incident.id,
                Incident.service_id,
                Incident.source,
                Incident.reopened_count,
                Escalation.incident_id,
            )
            .outerjoin(Escalation, Escalation.incident_id == Incident.id)
            .where(
                Incident.status == Status.TRIGGERED,
                or_(
                    Escalation.incident_id.is_(None),
                    Escalation.generation < Incident.reopened_count,
                ),
            )
            .order_by(Incident.id)
            .limit(BATCH),
            of=Incident,
        )
    ).all()
    if not rows:
        return 0
    policies = dict(
        session.execute(
            select(Service.id, Service.escalation_policy_id).where(
                Service.id.in_({row.service_id for row in rows})
            )
        ).all()
    )
    snapshots = service.snapshots(session, [p for p in policies.values() if p is not None])
    new: list[dict[str, Any]] = []
    renewed: list[dict[str, Any]] = []
    for incident_id, service_id, source, generation, existing in rows:
        policy_id = policies.get(service_id)
        snapshot = snapshots.get(policy_id) if policy_id is not None else None
        state = {
            "policy_id": policy_id if snapshot is not None else None,
            "snapshot": snapshot or {},
            "generation": generation,
            "level": 0,
            "round": 0,
            "started_at": now,
            "status": "active" if snapshot is not None else "done",
            "next_at": now if snapshot is not None else None,
        }
        if existing is None:
            new.append({"incident_id": incident_id, "last_assignee_id": None, **state})
        else:
            renewed.append({"escalation_id": incident_id, **state})
        if snapshot is None and source == Source.ALERT:
            # Declared by a person, someone is already on it; from an alert, maybe nobody.
            entries.add(incident_id, "escalation", NO_POLICY, ENGINE, now)
    table = Escalation.table()
    if new:
        session.execute(insert(table), new)
    if renewed:
        stmt = update(table).where(table.c.incident_id == bindparam("escalation_id"))
        session.execute(stmt, renewed)
    return len(rows)


def _stop(session: Session) -> int:
    """Escalations of incidents no longer triggered (acknowledged, resolved...) stop."""
    no_longer = exists().where(
        Incident.id == Escalation.incident_id, Incident.status != Status.TRIGGERED
    )
    result = session.execute(
        update(Escalation)
        # An active escalation always waits for a time: the `next_at` index finds them.
        .where(Escalation.next_at.is_not(None), Escalation.status == "active", no_longer)
        .values(status="stopped", next_at=None)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


@dataclass
class _Due:
    incident_id: int
    priority: int
    snapshot: dict[str, Any]
    level: int
    round: int
    status: str
    next_at: datetime | None


def _fire(session: Session, now: datetime, targets: Targets, pages: Pages, entries: Entries) -> int:
    rows = session.execute(
        claim(
            session,
            select(
                Escalation.incident_id,
                Incident.priority,
                Escalation.snapshot,
                Escalation.level,
                Escalation.round,
                Escalation.status,
                Escalation.next_at,
            )
            .join(Incident, Incident.id == Escalation.incident_id)
            .where(
                Escalation.status == "active",
                Escalation.next_at <= now,
                Incident.status == Status.TRIGGERED,
            )
            .order_by(Escalation.next_at)
            .limit(BATCH),
            of=Escalation,
        )
    ).all()
    due = [_Due(*row) for row in rows]
    targets.load(
        Target.model_validate(t)
        for escalation in due
        for level in escalation.snapshot["levels"]
        for t in level["targets"]
    )
    for escalation in due:
        # Levels that reach nobody move on at once: fire until one waits (or all ran).
        levels = len(escalation.snapshot["levels"]) * (escalation.snapshot["repeat"] + 1)
        for _ in range(levels):
            _fire_level(escalation, targets, pages, entries, now)
            if escalation.next_at is None or escalation.next_at > now:
                break
    if due:
        table = Escalation.table()
        session.execute(
            update(table).where(table.c.incident_id == bindparam("escalation_id")),
            [
                {
                    "escalation_id": e.incident_id,
                    "level": e.level,
                    "round": e.round,
                    "status": e.status,
                    "next_at": e.next_at,
                }
                for e in due
            ],
        )
    return len(due)


def _fire_level(
    escalation: _Due, targets: Targets, pages: Pages, entries: Entries, now: datetime
) -> None:
    levels = escalation.snapshot["levels"]
    level = levels[escalation.level]
    number = escalation.level + 1
    users = targets.users([Target.model_validate(t) for t in level["targets"]])
    round_note = f", round {escalation.round + 1}" if escalation.round else ""
    if users:
        reason = f"escalation level {number}{round_note}"
        wait = timedelta(minutes=level["delay_minutes"])
    else:
        # A level that reaches nobody is on the timeline, and the admins are paged.
        entries.add(
            escalation.incident_id,
            "unroutable",
            f"escalation level {number} reached nobody (no one on call or no active users)",
            ENGINE,
            now,
            {"level": number},
        )
        users, reason = targets.admins(), f"escalation level {number} reached nobody"
        wait = timedelta(0)  # move on at once
    pages.add(
        incident_id=escalation.incident_id,
        priority=escalation.priority,
        user_ids=users,
        reason=reason,
        actor=ENGINE,
        now=now,
        level=number,
    )
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


def _reassigned(session: Session, now: datetime, pages: Pages) -> int:
    """Whoever an open incident is (re)assigned to is paged."""
    rows = session.execute(
        claim(
            session,
            select(Escalation.incident_id, Incident.assignee_id, Incident.priority)
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
            .limit(BATCH),
            of=Escalation,
        )
    ).all()
    for incident_id, assignee_id, priority in rows:
        assert assignee_id is not None  # the query asks for assigned incidents
        pages.add(
            incident_id=incident_id,
            priority=priority,
            user_ids=[assignee_id],
            reason="assigned to the incident",
            actor=ENGINE,
            now=now,
        )
    if rows:
        table = Escalation.table()
        session.execute(
            update(table).where(table.c.incident_id == bindparam("escalation_id")),
            [{"escalation_id": row[0], "last_assignee_id": row[1]} for row in rows],
        )
    return len(rows)
