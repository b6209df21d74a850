"""On-call load on a hand-built fortnight of pages: alice in Berlin and bob in New York
share a daily rotation; New York's clocks go forward on 8 March."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.testclient import TestClient

from tests.analytics.history import RANGE, at
from tests.factories import Person, bearer, declare, make_service, make_team, make_user
from watchkeeper.analytics.load.figures import night_of
from watchkeeper.analytics.load.schemas import LoadReport
from watchkeeper.analytics.load.service import report
from watchkeeper.db.session import Database
from watchkeeper.oncall.schedules import service as schedules
from watchkeeper.oncall.schedules.schemas import LayerCreate, ScheduleCreate
from watchkeeper.pipeline.escalation.models import Page

ALICE_PAGES = [at(3, 2, 22, 30), at(3, 3, 2), at(3, 8, 6, 30)]
BOB_PAGES = [at(3, 3, 12), at(3, 7, 15), at(3, 8, 12, 30)]


def _fortnight(db: Database) -> LoadReport:
    with db.transaction() as session:
        now = at(1, 1, 0)
        alice = make_user(session, now=now, login="alice")
        bob = make_user(session, now=now, login="bob")
        alice.time_zone, bob.time_zone = "Europe/Berlin", "America/New_York"
        service = make_service(session, now=now, name="web")
        service.owner_team_id = make_team(session, now=now, name="Platform").id
        incident = declare(session, now=now, service_id=service.id)
        for user, times in ((alice, ALICE_PAGES), (bob, BOB_PAGES)):
            session.add_all(
                Page(incident_id=incident.id, user_id=user.id, reason="test", level=1,
                     urgency="high", created_at=t, planned=True)
                for t in times
            )  # fmt: skip
        primary = schedules.create(
            session, data=ScheduleCreate(name="Primary", time_zone="UTC"), now=now
        )
        layer = LayerCreate.model_validate(
            {"name": "Days", "participants": [alice.id, bob.id], "rotation": "daily",
             "start": "2026-03-02T09:00"}
        )  # fmt: skip
        schedules.add_layer(session, schedule_id=primary.id, data=layer, now=now)
    with db.transaction(write=False) as session:
        return report(session, window=RANGE)


def test_night_and_weekend_pages_in_each_persons_own_zone(db: Database) -> None:
    people = {p.name: p for p in _fortnight(db).people}
    alice, bob = people["Alice"], people["Bob"]
    # 23:30 and 03:00 the same night in Berlin; 07:30 on Sunday, still that night
    assert (alice.pages, alice.night_pages, alice.weekend_pages) == (3, 3, 1)
    assert alice.interrupted_nights == 2
    # 07:00 EST is night; Saturday 10:00; Sunday 08:30 EDT is day, after the change
    assert (bob.pages, bob.night_pages, bob.weekend_pages) == (3, 1, 2)
    assert bob.interrupted_nights == 1


def test_pages_per_team_of_the_paging_service(db: Database) -> None:
    [team] = _fortnight(db).teams
    assert (team.name, team.pages, team.night_pages, team.people_paged) == ("Platform", 6, 4, 2)


def test_fairness_compares_pages_per_day_on_call_across_the_rotation(db: Database) -> None:
    [rotation] = _fortnight(db).rotations
    turns = {t.name: (t.hours_on_call, t.pages) for t in rotation.people}
    # 2 Mar 09:00 to 15 Mar 00:00 in daily turns, alice first
    assert turns == {"Alice": (159.0, 2), "Bob": (144.0, 2)}
    assert rotation.fairness == 0.91
    people = {p.name: p.hours_on_call for p in _again(db).people}
    assert people == {"Alice": 159.0, "Bob": 144.0}


def _again(db: Database) -> LoadReport:
    with db.transaction(write=False) as session:
        return report(session, window=RANGE)


def test_heat_map_counts_pages_by_local_hour_of_week(db: Database) -> None:
    cells = _fortnight(db).heat_map
    assert len(cells) == 168
    assert cells[0 * 24 + 23] == 1  # alice, Monday 23:30 Berlin
    assert cells[6 * 24 + 8] == 1  # bob, Sunday 08:30 New York (EDT)
    assert sum(cells) == 6


def test_a_night_belongs_to_the_evening_it_starts() -> None:
    monday = datetime(2026, 3, 2, tzinfo=UTC).date()
    assert night_of(at(3, 2, 22), "UTC") == monday
    assert night_of(at(3, 3, 7, 59), "UTC") == monday
    assert night_of(at(3, 3, 8), "UTC") is None


def test_load_in_the_api_and_as_csv(db: Database, client: TestClient, viewer: Person) -> None:
    _fortnight(db)
    params = {"start": "2026-03-01T00:00:00Z", "end": "2026-03-15T00:00:00Z"}
    data = client.get("/api/v1/reports/load", params=params, headers=bearer(viewer)).json()
    assert [(p["name"], p["pages"]) for p in data["people"]] == [("Alice", 3), ("Bob", 3)]
    csv = client.get("/api/v1/reports/load/rotations.csv", params=params, headers=bearer(viewer))
    assert csv.text.splitlines()[1:] == [
        "Primary,0.91,Alice,159.0,2,0.3",
        "Primary,0.91,Bob,144.0,2,0.33",
    ]
