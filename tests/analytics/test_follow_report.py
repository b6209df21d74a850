"""Follow-through: are the postmortems written on time, and their action items done?

Platform closes three P1/P2 incidents in the first half of March 2026. The first gets its
postmortem published three days later, before it was due; the second never gets one and
is overdue by the report's time; the third closed the day before and is not due yet. A P3
needs no postmortem. Their action items: one overdue, one done in two days, one refused,
and one still open without a due date.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from tests.analytics.history import ALICE, RANGE, at
from tests.factories import (
    Person,
    bearer,
    browser_login,
    declare,
    make_service,
    make_team,
    make_user,
)
from watchkeeper.analytics.follow.schemas import FollowReport
from watchkeeper.analytics.follow.service import report
from watchkeeper.db.session import Database
from watchkeeper.incidents import transitions
from watchkeeper.incidents.schemas import CloseIn, ResolutionCode
from watchkeeper.incidents.timeline import Actor
from watchkeeper.response.actions import service as actions
from watchkeeper.response.actions.schemas import ActionItemCreate, ActionItemUpdate
from watchkeeper.response.postmortems import service as postmortems
from watchkeeper.response.postmortems.schemas import PostmortemCreate, ReviewersIn

NOW = at(3, 14, 18)
FIXED = CloseIn(resolution_code=ResolutionCode.FIXED, resolution_notes="Rolled back.")


def _closed(session: Session, service_id: int, start: datetime, impact: int, urgency: int) -> int:
    incident = declare(session, now=start, service_id=service_id, impact=impact, urgency=urgency)
    transitions.resolve(
        session, incident_id=incident.id, actor=ALICE, now=start + timedelta(hours=1)
    )
    transitions.close(
        session, incident_id=incident.id, actor=ALICE, now=start + timedelta(hours=2), data=FIXED
    )
    return incident.id


def _publish(
    session: Session, incident_id: int, author: Actor, reviewer: Actor, when: datetime
) -> None:
    draft = postmortems.create(
        session,
        incident_id=incident_id,
        data=PostmortemCreate(),
        actor=author,
        zone="UTC",
        now=when,
    )
    assert reviewer.user_id is not None
    postmortems.request_review(
        session, postmortem_id=draft.id, data=ReviewersIn(user_ids=[reviewer.user_id]),
        actor=author, now=when,
    )  # fmt: skip
    postmortems.move(session, postmortem_id=draft.id, action="submit", actor=author, now=when)
    postmortems.approve(session, postmortem_id=draft.id, actor=reviewer, now=when)
    postmortems.move(session, postmortem_id=draft.id, action="publish", actor=author, now=when)


def _item(
    session: Session, owner: Actor, team: int | None, made: datetime, **fields: object
) -> int:
    assert owner.user_id is not None
    data = ActionItemCreate.model_validate(
        {"title": f"Fix {made:%d}", "owner_id": owner.user_id, "team_id": team, **fields}
    )
    return actions.create(session, data=data, actor=owner, zone="UTC", now=made).id


def _history(db: Database) -> None:
    with db.transaction() as session:
        team = make_team(session, now=at(1, 1, 0), name="Platform")
        web = make_service(session, now=at(1, 1, 0), name="web")
        alice = make_user(session, now=at(1, 1, 0), login="alice")
        bob = make_user(session, now=at(1, 1, 0), login="bob")
        author, reviewer = Actor(alice.id, "alice"), Actor(bob.id, "bob")
        written = _closed(session, web.id, at(3, 2, 10), impact=1, urgency=1)  # due 9 Mar 12:00
        _publish(session, written, author, reviewer, at(3, 5, 12))
        _closed(session, web.id, at(3, 3, 10), impact=1, urgency=2)  # due 10 Mar 12:00
        _closed(session, web.id, at(3, 13, 10), impact=1, urgency=1)  # due 20 Mar
        _closed(session, web.id, at(3, 4, 10), impact=3, urgency=3)  # P3: none needed
        _item(session, author, team.id, at(3, 5, 9), due_on=date(2026, 3, 10))
        done = _item(session, author, team.id, at(3, 5, 9))
        actions.update(
            session, item_id=done, data=ActionItemUpdate(status="done"), actor=author,
            now=at(3, 7, 9),
        )  # fmt: skip
        refused = _item(session, author, team.id, at(3, 6, 9))
        actions.update(
            session, item_id=refused, actor=author, now=at(3, 6, 10),
            data=ActionItemUpdate(status="wont_do", wont_do_reason="The service is retired."),
        )  # fmt: skip
        _item(session, author, None, at(3, 12, 18))
        _item(session, author, team.id, at(2, 10, 9))  # before the range


@pytest.fixture
def follow(db: Database) -> FollowReport:
    _history(db)
    with db.transaction(write=False) as session:
        return report(session, window=RANGE, now=NOW, priorities={1, 2}, business_days=5)


def test_postmortems_published_on_time_overdue_and_not_yet_due(follow: FollowReport) -> None:
    p = follow.postmortems
    assert (p.required, p.published, p.published_on_time) == (3, 1, 1)
    assert (p.overdue, p.not_yet_due) == (1, 1)
    assert p.median_days_to_publish == 3.0  # closed 2 Mar 12:00, published 5 Mar 12:00
    assert p.published_in_range == 1
    [late] = follow.owed
    assert late.priority == "P2"
    assert late.due_at == at(3, 10, 12)
    assert late.days_overdue == 4.25
    assert late.postmortem_id is None


def test_action_items_by_state_with_their_median_ages(follow: FollowReport) -> None:
    a = follow.actions
    assert (a.created, a.open, a.overdue, a.done, a.wont_do) == (4, 2, 1, 1, 1)
    assert a.median_days_to_done == 2.0
    # still open: 9.38 days (5 Mar 09:00) and 2 days (12 Mar 18:00) at 14 Mar 18:00
    assert a.median_open_age_days == 5.69
    teams = {t.label: t for t in follow.actions_by_team}
    assert set(teams) == {"Platform", "no team"}
    assert (teams["Platform"].created, teams["Platform"].overdue) == (3, 1)
    [overdue] = follow.overdue_items
    assert (overdue.team, overdue.due_on, overdue.days_overdue) == (
        "Platform",
        date(2026, 3, 10),
        4,
    )


WINDOW = {"start": "2026-03-01T00:00:00Z", "end": "2026-03-15T00:00:00Z"}


def test_the_api_gives_the_report_and_its_csv(
    client: TestClient, db: Database, viewer: Person
) -> None:
    _history(db)
    response = client.get("/api/v1/reports/follow-through", params=WINDOW, headers=bearer(viewer))
    assert response.status_code == 200, response.text
    assert response.json()["postmortems"]["required"] == 3
    assert response.json()["actions"]["done"] == 1
    sheet = client.get("/api/v1/reports/follow-through.csv", params=WINDOW, headers=bearer(viewer))
    rows = {row["team"]: row for row in csv.DictReader(io.StringIO(sheet.text))}
    assert (rows["Platform"]["created"], rows["no team"]["created"], rows["all"]["created"]) == (
        "3",
        "1",
        "4",
    )


def test_the_page_shows_the_chart_numbers_in_its_table(
    client: TestClient, db: Database, viewer: Person
) -> None:
    _history(db)
    browser_login(client, viewer.login)
    page = client.get("/reports/follow-through?start=2026-03-01&end=2026-03-14")
    assert page.status_code == 200
    assert "1 of 3" in page.text  # postmortems published
    assert '<th scope="row">Platform</th><td>3</td>' in page.text
