"""Numbering under concurrency, fields and roles, tasks, links and merges."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from tests.conftest import START
from tests.factories import declare, make_service, make_user
from watchkeeper.core.errors import Conflict, Invalid
from watchkeeper.db.session import Database
from watchkeeper.incidents import links, tasks, transitions
from watchkeeper.incidents import service as incidents
from watchkeeper.incidents.models import Incident, TimelineEntry
from watchkeeper.incidents.schemas import CloseIn, IncidentUpdate, TaskIn, TaskUpdate
from watchkeeper.incidents.timeline import Actor

CAROL = Actor(None, "carol")


def test_numbers_are_sequential_and_unique_under_concurrent_creation(db: Database) -> None:
    with db.transaction() as session:
        service_id = make_service(session, now=START).id
    numbers: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def create_five() -> None:
        barrier.wait()
        for _ in range(5):
            try:
                numbers.append(db.run(lambda s: declare(s, now=START, service_id=service_id).id))
            except BaseException as exc:
                errors.append(exc)

    threads = [threading.Thread(target=create_five) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == list(range(1, 41))


def test_fields_and_people_changes_are_on_the_timeline(db: Database) -> None:
    with db.transaction() as session:
        service = make_service(session, now=START)
        other = make_service(session, now=START)
        dave = make_user(session, now=START, login="dave")
        incident = declare(session, now=START, service_id=service.id)
        incidents.update(
            session,
            incident_id=incident.id,
            data=IncidentUpdate(
                title="Checkout slow",
                service_id=other.id,
                assignee_id=dave.id,
                commander_id=dave.id,
            ),
            actor=CAROL,
            now=START,
        )
        summaries = list(
            session.scalars(
                select(TimelineEntry.summary)
                .where(TimelineEntry.incident_id == incident.id)
                .order_by(TimelineEntry.id)
            )
        )
    assert summaries[1].startswith("carol changed the title from")
    assert "carol assigned it to dave" in summaries
    assert "carol made dave commander" in summaries


def test_unknown_or_inactive_people_are_refused(db: Database) -> None:
    with db.transaction() as session:
        service = make_service(session, now=START)
        gone = make_user(session, now=START, is_active=False)
        incident_id = declare(session, now=START, service_id=service.id).id
        gone_id = gone.id
    for user_id in (gone_id, 999):
        with pytest.raises(Invalid, match="active user"), db.transaction() as session:
            incidents.update(
                session,
                incident_id=incident_id,
                data=IncidentUpdate(assignee_id=user_id),
                actor=CAROL,
                now=START,
            )


def test_tasks_are_added_checked_unchecked_and_assigned(db: Database) -> None:
    with db.transaction() as session:
        service = make_service(session, now=START)
        erin = make_user(session, now=START, login="erin")
        incident_id = declare(session, now=START, service_id=service.id).id
        task = tasks.add(
            session,
            incident_id=incident_id,
            data=TaskIn(title="Fail over the DB"),
            actor=CAROL,
            now=START,
        )
        for change in (
            TaskUpdate(done=True),
            TaskUpdate(done=False),
            TaskUpdate(assignee_id=erin.id),
        ):
            tasks.change(
                session,
                incident_id=incident_id,
                task_id=task.id,
                data=change,
                actor=CAROL,
                now=START,
            )
        kinds = list(
            session.scalars(
                select(TimelineEntry.kind)
                .where(TimelineEntry.incident_id == incident_id)
                .order_by(TimelineEntry.id)
            )
        )
    assert kinds == ["created", "task_added", "task_done", "task_undone", "task_assigned"]


def test_merging_closes_duplicates_pointing_at_the_survivor(db: Database) -> None:
    with db.transaction() as session:
        service = make_service(session, now=START)
        survivor = declare(session, now=START, service_id=service.id).id
        duplicate = declare(session, now=START, service_id=service.id).id
        links.merge(
            session, survivor_id=survivor, duplicate_ids=[duplicate], actor=CAROL, now=START
        )
    with db.transaction(write=False) as session:
        merged = session.get(Incident, duplicate)
        assert merged is not None
        assert (merged.status, merged.resolution_code, merged.merged_into_id) == (
            "closed",
            "duplicate",
            survivor,
        )
        rows = session.execute(
            select(TimelineEntry.incident_id, TimelineEntry.kind).where(
                TimelineEntry.kind.in_(["merged", "merged_into"])
            )
        )
        kinds = {row[0]: row[1] for row in rows}
    assert kinds == {survivor: "merged", duplicate: "merged_into"}


def test_a_closed_incident_cannot_be_merged_and_nothing_changes(db: Database) -> None:
    with db.transaction() as session:
        service = make_service(session, now=START)
        survivor = declare(session, now=START, service_id=service.id).id
        open_one = declare(session, now=START, service_id=service.id).id
        closed = declare(session, now=START, service_id=service.id).id
        transitions.resolve(session, incident_id=closed, actor=CAROL, now=START)
        transitions.close(
            session,
            incident_id=closed,
            actor=CAROL,
            now=START,
            data=CloseIn(),
        )
    with pytest.raises(Conflict, match="already closed"), db.transaction() as session:
        links.merge(
            session, survivor_id=survivor, duplicate_ids=[open_one, closed], actor=CAROL, now=START
        )
    with db.transaction(write=False) as session:
        assert session.get(Incident, open_one).status == "triggered"  # type: ignore[union-attr]


def test_links_are_symmetric_and_idempotent(db: Database) -> None:
    with db.transaction() as session:
        service = make_service(session, now=START)
        one = declare(session, now=START, service_id=service.id).id
        two = declare(session, now=START, service_id=service.id).id
        links.link(session, incident_id=two, other_id=one, actor=CAROL, now=START)
        links.link(session, incident_id=one, other_id=two, actor=CAROL, now=START)
        assert links.related_ids(session, incident_id=one) == [two]
        assert links.related_ids(session, incident_id=two) == [one]
        count = session.scalar(
            select(func.count()).select_from(TimelineEntry).where(TimelineEntry.kind == "link")
        )
        assert count == 2
