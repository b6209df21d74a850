"""Every allowed and every refused transition, on both databases, with the timeline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.conftest import START
from tests.factories import declare, make_service
from watchkeeper.core.errors import Conflict, Invalid
from watchkeeper.db.session import Database
from watchkeeper.incidents import service as incidents
from watchkeeper.incidents import transitions
from watchkeeper.incidents.lifecycle import TRANSITIONS, Action, Status, allowed_actions
from watchkeeper.incidents.models import Incident, TimelineEntry
from watchkeeper.incidents.schemas import CloseIn, ResolutionCode
from watchkeeper.incidents.timeline import Actor

ALICE = Actor(None, "alice")
CLOSE_OK = CloseIn(resolution_code=ResolutionCode.FIXED, resolution_notes="restarted the pool")

Step = Callable[[Session, int], object]
ACTIONS: dict[Action, Step] = {
    Action.ACKNOWLEDGE: lambda s, i: transitions.acknowledge(
        s, incident_id=i, actor=ALICE, now=START
    ),
    Action.HOLD: lambda s, i: transitions.hold(s, incident_id=i, actor=ALICE, now=START),
    Action.RESUME: lambda s, i: transitions.resume(s, incident_id=i, actor=ALICE, now=START),
    Action.RESOLVE: lambda s, i: transitions.resolve(s, incident_id=i, actor=ALICE, now=START),
    Action.REOPEN: lambda s, i: transitions.reopen(s, incident_id=i, actor=ALICE, now=START),
    Action.CLOSE: lambda s, i: transitions.close(
        s, incident_id=i, actor=ALICE, now=START, data=CLOSE_OK
    ),
}
# How to bring a fresh (triggered) incident into each status.
PATHS: dict[Status, list[Action]] = {
    Status.TRIGGERED: [],
    Status.ACKNOWLEDGED: [Action.ACKNOWLEDGE],
    Status.ON_HOLD: [Action.ACKNOWLEDGE, Action.HOLD],
    Status.RESOLVED: [Action.RESOLVE],
    Status.CLOSED: [Action.RESOLVE, Action.CLOSE],
}
CASES = [(status, action) for status in Status for action in Action]


def _incident_in(db: Database, status: Status) -> int:
    with db.transaction() as session:
        service = make_service(session, now=START)
        incident_id = declare(session, now=START, service_id=service.id).id
        for action in PATHS[status]:
            ACTIONS[action](session, incident_id)
        assert session.get(Incident, incident_id).status == status  # type: ignore[union-attr]
    return incident_id


def _state(db: Database, incident_id: int) -> tuple[str, int]:
    with db.transaction(write=False) as session:
        incident = session.get(Incident, incident_id)
        assert incident is not None
        entries = session.scalars(
            select(TimelineEntry).where(TimelineEntry.incident_id == incident_id)
        ).all()
        return incident.status, len(entries)


@pytest.mark.parametrize(("status", "action"), CASES, ids=[f"{s}-{a}" for s, a in CASES])
def test_each_action_from_each_status(db: Database, status: Status, action: Action) -> None:
    incident_id = _incident_in(db, status)
    before = _state(db, incident_id)
    target = TRANSITIONS.get((status, action))
    repeat = (status, action) in {
        (Status.ACKNOWLEDGED, Action.ACKNOWLEDGE),
        (Status.RESOLVED, Action.RESOLVE),
    }
    if target is not None:
        with db.transaction() as session:
            ACTIONS[action](session, incident_id)
        after = _state(db, incident_id)
        assert after == (target.value, before[1] + 1)
    elif repeat:
        with db.transaction() as session:
            ACTIONS[action](session, incident_id)
        assert _state(db, incident_id) == before  # idempotent: no change, no entry
    else:
        with pytest.raises(Conflict) as refused, db.transaction() as session:
            ACTIONS[action](session, incident_id)
        allowed = [a.value for a in allowed_actions(status)]
        assert refused.value.extra["allowed"] == allowed
        assert f"cannot {action.value} an incident that is {status.value}" in refused.value.detail
        assert _state(db, incident_id) == before


def test_closing_a_p1_needs_a_resolution_code_and_notes(db: Database) -> None:
    with db.transaction() as session:
        service = make_service(session, now=START)
        incident_id = declare(session, now=START, service_id=service.id, impact=1, urgency=1).id
        transitions.resolve(session, incident_id=incident_id, actor=ALICE, now=START)
    before = _state(db, incident_id)
    for data in (CloseIn(), CloseIn(resolution_code=ResolutionCode.FIXED)):
        with pytest.raises(Invalid, match="P1"), db.transaction() as session:
            transitions.close(session, incident_id=incident_id, actor=ALICE, now=START, data=data)
    assert _state(db, incident_id) == before
    with db.transaction() as session:
        closed = transitions.close(
            session, incident_id=incident_id, actor=ALICE, now=START, data=CLOSE_OK
        )
        assert closed.resolution_code == "fixed"
        assert closed.closed_at == START


def test_a_p4_closes_without_a_resolution_code(db: Database) -> None:
    incident_id = _incident_in(db, Status.RESOLVED)
    with db.transaction() as session:
        closed = transitions.close(
            session, incident_id=incident_id, actor=ALICE, now=START, data=CloseIn()
        )
        assert closed.status == "closed"
        assert closed.resolution_code is None


def test_reopening_works_only_within_the_window(db: Database) -> None:
    incident_id = _incident_in(db, Status.RESOLVED)
    later = START + timedelta(days=7, seconds=1)
    with pytest.raises(Conflict, match="more than 7 days"), db.transaction() as session:
        transitions.reopen(session, incident_id=incident_id, actor=ALICE, now=later)
    with db.transaction() as session:
        reopened = transitions.reopen(
            session, incident_id=incident_id, actor=ALICE, now=START + timedelta(days=7)
        )
        assert reopened.status == "triggered"
        assert reopened.reopened_count == 1
        assert reopened.resolved_at is None


def test_a_closed_incident_is_read_only(db: Database) -> None:
    incident_id = _incident_in(db, Status.CLOSED)
    with pytest.raises(Conflict, match="read-only"), db.transaction() as session:
        incidents.add_note(
            session, incident_id=incident_id, text="late note", actor=ALICE, now=START
        )


def test_every_transition_is_on_the_timeline_with_actor_and_time(db: Database) -> None:
    incident_id = _incident_in(db, Status.TRIGGERED)
    steps = [Action.ACKNOWLEDGE, Action.HOLD, Action.RESUME, Action.RESOLVE, Action.REOPEN]
    with db.transaction() as session:
        for action in steps:
            ACTIONS[action](session, incident_id)
    with db.transaction(write=False) as session:
        entries = session.scalars(
            select(TimelineEntry)
            .where(TimelineEntry.incident_id == incident_id)
            .order_by(TimelineEntry.id)
        ).all()
    kinds = [entry.kind for entry in entries]
    assert kinds == ["created", "acknowledged", "on_hold", "resumed", "resolved", "reopened"]
    assert all(entry.actor == "alice" and entry.at == START for entry in entries[1:])
