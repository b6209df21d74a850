"""A postmortem's draft: its durations agree with the incident's timeline on both
databases, also across a DST change in the viewer's zone, and it keeps starred entries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.factories import declare, make_service, make_user
from watchkeeper.db.session import Database
from watchkeeper.incidents import service as incidents
from watchkeeper.incidents import transitions
from watchkeeper.incidents.models import TimelineEntry
from watchkeeper.incidents.timeline import Actor
from watchkeeper.response.postmortems import draft
from watchkeeper.response.postmortems import service as postmortems
from watchkeeper.response.postmortems.schemas import PostmortemCreate

# Europe/Berlin leaves CET for CEST at 2026-03-29 01:00 UTC (02:00 local becomes 03:00).
DECLARED = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # 01:30 CET


def _entry_at(session: Session, incident_id: int, kind: str) -> datetime:
    stmt = select(TimelineEntry.at).where(
        TimelineEntry.incident_id == incident_id, TimelineEntry.kind == kind
    )
    found = session.scalar(stmt)
    assert found is not None, kind
    return found


def _resolved_incident(session: Session) -> tuple[int, Actor]:
    user = make_user(session, now=DECLARED, login="alice")
    alice = Actor(user.id, user.login)
    service = make_service(session, now=DECLARED, name="Checkout")
    incident = declare(session, now=DECLARED, service_id=service.id, title="Checkout 502s")
    transitions.acknowledge(
        session, incident_id=incident.id, actor=alice, now=DECLARED + timedelta(minutes=7)
    )
    incidents.add_note(
        session,
        incident_id=incident.id,
        text="rolled back the deploy",
        actor=alice,
        now=DECLARED + timedelta(minutes=40),
    )
    transitions.resolve(
        session, incident_id=incident.id, actor=alice, now=DECLARED + timedelta(minutes=75)
    )
    return incident.id, alice


def test_draft_durations_match_the_timeline_across_a_dst_change(db: Database) -> None:
    def work(session: Session) -> None:
        incident_id, alice = _resolved_incident(session)
        pm = postmortems.create(
            session,
            incident_id=incident_id,
            data=PostmortemCreate(),
            actor=alice,
            zone="Europe/Berlin",
            now=DECLARED + timedelta(hours=2),
        )
        spans = dict(draft.durations(postmortems.facts_of(pm).milestones))
        created = _entry_at(session, incident_id, "created")
        assert (
            spans["Time to acknowledge"]
            == _entry_at(session, incident_id, "acknowledged") - created
        )
        assert spans["Time to resolve"] == _entry_at(session, incident_id, "resolved") - created
        assert spans["Time to resolve"] == timedelta(minutes=75)  # not 2 h 15 on the wall
        assert "2026-03-29 01:30 CET" in pm.body
        assert "2026-03-29 03:45 CEST" in pm.body  # resolved, 75 minutes later

    db.run(work)


def test_starred_entries_lead_the_draft_timeline_and_status_changes_follow(db: Database) -> None:
    def work(session: Session) -> None:
        user = make_user(session, now=DECLARED, login="bob")
        bob = Actor(user.id, user.login)
        service = make_service(session, now=DECLARED)
        incident = declare(session, now=DECLARED, service_id=service.id, title="Disk full")
        later = DECLARED + timedelta(minutes=3)
        field = TimelineEntry(
            incident_id=incident.id,
            at=later,
            actor="bob",
            actor_id=bob.user_id,
            kind="field",
            summary="bob found the log volume at 100%",
            data={},
        )
        session.add(field)
        session.flush()
        postmortems.star(
            session, incident_id=incident.id, entry_id=field.id, starred=True, actor=bob
        )
        transitions.resolve(
            session, incident_id=incident.id, actor=bob, now=later + timedelta(minutes=5)
        )
        pm = postmortems.create(
            session,
            incident_id=incident.id,
            data=PostmortemCreate(),
            actor=bob,
            zone="UTC",
            now=later,
        )
        kinds = [(entry.kind, entry.starred) for entry in postmortems.facts_of(pm).timeline]
        assert kinds == [("created", False), ("field", True), ("resolved", False)]
        assert "★ bob found the log volume at 100%" in pm.body

    db.run(work)
