"""Priority from the matrix, overrides that stick, and SLA clocks under a frozen clock."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from tests.conftest import START
from tests.factories import declare, make_service
from watchkeeper.core.clock import FrozenClock
from watchkeeper.core.errors import Invalid
from watchkeeper.core.priority import MatrixCell
from watchkeeper.db.session import Database
from watchkeeper.incidents import cycle, transitions
from watchkeeper.incidents import service as incidents
from watchkeeper.incidents.models import Incident, TimelineEntry
from watchkeeper.incidents.policy import service as policy
from watchkeeper.incidents.schemas import IncidentUpdate
from watchkeeper.incidents.timeline import Actor

BOB = Actor(None, "bob")


def _new(db: Database, **fields: Any) -> int:
    with db.transaction() as session:
        service = make_service(session, now=START)
        return declare(session, now=START, service_id=service.id, **fields).id


def _get(db: Database, incident_id: int) -> Incident:
    with db.transaction(write=False) as session:
        incident = session.get(Incident, incident_id)
        assert incident is not None
        return incident


def _kinds(db: Database, incident_id: int) -> list[str]:
    with db.transaction(write=False) as session:
        stmt = select(TimelineEntry.kind).where(TimelineEntry.incident_id == incident_id)
        return list(session.scalars(stmt.order_by(TimelineEntry.id)))


@pytest.mark.parametrize(
    ("impact", "urgency", "priority"), [(1, 1, 1), (1, 4, 4), (2, 2, 3), (3, 1, 3), (4, 4, 5)]
)
def test_priority_follows_the_itil_matrix(
    db: Database, impact: int, urgency: int, priority: int
) -> None:
    assert _get(db, _new(db, impact=impact, urgency=urgency)).priority == priority


def test_an_edited_matrix_applies_to_new_incidents(db: Database) -> None:
    with db.transaction() as session:
        cells = [
            MatrixCell(impact=i, urgency=u, priority=1 if (i, u) == (4, 4) else 5)
            for i in range(1, 5)
            for u in range(1, 5)
        ]
        policy.set_matrix(session, cells=cells)
    assert _get(db, _new(db, impact=4, urgency=4)).priority == 1


def test_changing_impact_reprioritises_and_moves_the_sla(db: Database) -> None:
    incident_id = _new(db, impact=3, urgency=3)  # P5: ack in 1 day
    with db.transaction() as session:
        incidents.update(
            session,
            incident_id=incident_id,
            data=IncidentUpdate(impact=1, urgency=1),
            actor=BOB,
            now=START,
        )
    incident = _get(db, incident_id)
    assert incident.priority == 1
    assert incident.ack_due_at == START + timedelta(minutes=5)
    assert incident.resolve_due_at == START + timedelta(hours=4)
    assert _kinds(db, incident_id)[-1] == "priority"


def test_an_override_is_recorded_with_its_reason_and_survives_later_changes(db: Database) -> None:
    incident_id = _new(db, impact=4, urgency=4)
    with db.transaction() as session:
        incidents.update(
            session,
            incident_id=incident_id,
            data=IncidentUpdate(priority="P2", priority_reason="CEO demo at noon"),
            actor=BOB,
            now=START,
        )
        incidents.update(
            session, incident_id=incident_id, data=IncidentUpdate(urgency=3), actor=BOB, now=START
        )
    incident = _get(db, incident_id)
    assert (incident.priority, incident.priority_overridden) == (2, True)
    with db.transaction(write=False) as session:
        override = session.scalar(
            select(TimelineEntry).where(
                TimelineEntry.incident_id == incident_id, TimelineEntry.kind == "priority_override"
            )
        )
        assert override is not None
        assert override.data == {"to": "P2", "matrix": "P5", "reason": "CEO demo at noon"}
    with db.transaction() as session:
        incidents.update(
            session,
            incident_id=incident_id,
            data=IncidentUpdate(priority=None),
            actor=BOB,
            now=START,
        )
    assert _get(db, incident_id).priority == 5


def test_an_override_without_a_reason_is_refused(db: Database) -> None:
    incident_id = _new(db)
    with pytest.raises(Invalid, match="reason"), db.transaction() as session:
        incidents.update(
            session,
            incident_id=incident_id,
            data=IncidentUpdate(priority="P1"),
            actor=BOB,
            now=START,
        )
    assert _get(db, incident_id).priority == 5


def test_acknowledging_in_time_meets_the_target_and_late_breaches_it(db: Database) -> None:
    on_time = _new(db, impact=1, urgency=1)
    late = _new(db, impact=1, urgency=1)
    with db.transaction() as session:
        transitions.acknowledge(
            session, incident_id=on_time, actor=BOB, now=START + timedelta(minutes=5)
        )
        transitions.acknowledge(
            session, incident_id=late, actor=BOB, now=START + timedelta(minutes=5, seconds=1)
        )
    assert _get(db, on_time).sla_ack == "met"
    assert _get(db, late).sla_ack == "breached"


def test_time_on_hold_does_not_count_toward_resolution(db: Database) -> None:
    incident_id = _new(db, impact=1, urgency=1)  # P1: resolve within 4 h
    t = START
    with db.transaction() as session:
        transitions.acknowledge(
            session, incident_id=incident_id, actor=BOB, now=t + timedelta(minutes=1)
        )
        transitions.hold(session, incident_id=incident_id, actor=BOB, now=t + timedelta(hours=1))
        transitions.resume(session, incident_id=incident_id, actor=BOB, now=t + timedelta(hours=4))
    assert _get(db, incident_id).resolve_due_at == START + timedelta(hours=7)
    with db.transaction() as session:
        transitions.resolve(
            session, incident_id=incident_id, actor=BOB, now=t + timedelta(hours=6, minutes=59)
        )
    assert _get(db, incident_id).sla_resolve == "met"


def test_resolving_straight_from_hold_excludes_the_hold(db: Database) -> None:
    incident_id = _new(db, impact=1, urgency=1)
    with db.transaction() as session:
        transitions.acknowledge(session, incident_id=incident_id, actor=BOB, now=START)
        transitions.hold(
            session, incident_id=incident_id, actor=BOB, now=START + timedelta(hours=1)
        )
        transitions.resolve(
            session, incident_id=incident_id, actor=BOB, now=START + timedelta(hours=10)
        )
    incident = _get(db, incident_id)
    assert incident.sla_resolve == "met"  # 1 h of work, 9 h of waiting on a third party


def test_the_engine_warns_at_80_percent_then_marks_the_breach(
    db: Database, clock: FrozenClock
) -> None:
    incident_id = _new(db, impact=1, urgency=1)  # ack target 5 min: warning at 4 min

    def run() -> list[tuple[str, str]]:
        with db.transaction() as session:
            _, events = cycle.check(session, clock.now())
        return [(event.clock, event.kind) for event in events]

    clock.advance(minutes=3, seconds=59)
    assert run() == []
    clock.advance(seconds=1)
    assert run() == [("acknowledge", "warning")]
    assert run() == []  # warned once
    clock.advance(minutes=1)
    assert run() == [("acknowledge", "breach")]
    assert run() == []
    incident = _get(db, incident_id)
    assert incident.sla_ack == "breached"
    assert _kinds(db, incident_id)[-2:] == ["sla_warning", "sla_breach"]
    clock.advance(hours=4)
    assert run() == [("resolve", "breach")]  # the warning it skipped is folded into the breach


def test_the_engine_leaves_paused_and_answered_clocks_alone(
    db: Database, clock: FrozenClock
) -> None:
    incident_id = _new(db, impact=1, urgency=1)
    with db.transaction() as session:
        transitions.acknowledge(session, incident_id=incident_id, actor=BOB, now=clock.now())
        transitions.hold(session, incident_id=incident_id, actor=BOB, now=clock.now())
    clock.advance(days=3)
    with db.transaction() as session:
        handled, events = cycle.check(session, clock.now())
    assert (handled, events) == (0, [])
    assert _get(db, incident_id).sla_resolve == "pending"
