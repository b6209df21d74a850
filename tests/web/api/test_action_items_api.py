"""`/api/v1/action-items`: create, filter, CSV, move through statuses; refused input gets
problem+json and changes nothing."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.factories import Person, bearer
from tests.web.conftest import Snapshot
from watchkeeper.core.clock import FrozenClock

PROBLEM = "application/problem+json"
ITEMS = "/api/v1/action-items"


def _create(client: TestClient, person: Person, **fields: Any) -> dict[str, Any]:
    body = {"title": "Alert on cache fill", "owner_id": person.id, **fields}
    response = client.post(ITEMS, json=body, headers=bearer(person))
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_an_item_is_done_with_its_time_kept(
    client: TestClient, responder: Person, clock: FrozenClock
) -> None:
    item = _create(
        client, responder, due_on="2026-01-20", external_url="https://jira.example.com/browse/OPS-1"
    )
    assert (item["status"], item["priority"], item["overdue"]) == ("open", "P3", False)
    clock.advance(hours=2)
    done = client.patch(f"{ITEMS}/{item['id']}", json={"status": "done"}, headers=bearer(responder))
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "done"
    assert done.json()["done_at"].startswith("2026-01-15T11:00")


def test_mine_overdue_and_team_lists(
    client: TestClient, admin: Person, responder: Person, clock: FrozenClock
) -> None:
    team = client.post("/api/v1/teams", json={"name": "SRE"}, headers=bearer(admin)).json()
    _create(client, responder, title="mine, due soon", due_on="2026-01-16", team_id=team["id"])
    _create(client, admin, title="root's, no date")
    clock.advance(timedelta(days=3))
    mine = client.get(ITEMS, params={"mine": "true"}, headers=bearer(responder)).json()
    assert [i["title"] for i in mine] == ["mine, due soon"]
    overdue = client.get(ITEMS, params={"overdue": "true"}, headers=bearer(admin)).json()
    assert [(i["title"], i["overdue"]) for i in overdue] == [("mine, due soon", True)]
    by_team = client.get(ITEMS, params={"team_id": team["id"]}, headers=bearer(admin)).json()
    assert [i["title"] for i in by_team] == ["mine, due soon"]
    exported = client.get(f"{ITEMS}.csv", params={"overdue": "true"}, headers=bearer(admin))
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows[0][:4] == ["id", "title", "status", "priority"]
    assert [row[1] for row in rows[1:]] == ["mine, due soon"]


def test_an_item_from_an_incident_is_on_its_timeline(
    client: TestClient, admin: Person, responder: Person
) -> None:
    service = client.post("/api/v1/services", json={"name": "Web"}, headers=bearer(admin)).json()
    incident = client.post(
        "/api/v1/incidents",
        json={"title": "Down", "service_id": service["id"]},
        headers=bearer(responder),
    ).json()
    item = _create(client, responder, incident_id=incident["id"])
    timeline = client.get(f"/api/v1/incidents/{incident['id']}/timeline", headers=bearer(responder))
    assert (
        timeline.json()[-1]["summary"]
        == f"resp added action item {item['id']}: Alert on cache fill"
    )


@pytest.mark.parametrize(
    ("fields", "location", "detail"),
    [
        ({"owner_id": 999}, "body.owner_id", "no active user 999"),
        ({"due_on": "2026-01-14"}, "body.due_on", "the due date 2026-01-14 is in the past"),
        ({"external_url": "javascript:alert(1)"}, "body.external_url", "External url: use an http"),
        ({"team_id": 999}, "body.team_id", "no team 999"),
    ],
)
def test_bad_input_on_create_is_refused_and_changes_nothing(
    client: TestClient,
    responder: Person,
    snapshot: Snapshot,
    fields: dict[str, Any],
    location: str,
    detail: str,
) -> None:
    before = snapshot()
    body = {"title": "x", "owner_id": responder.id, **fields}
    response = client.post(ITEMS, json=body, headers=bearer(responder))
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["detail"].startswith(detail)
    assert [e["location"] for e in response.json()["errors"]] == [location]
    assert snapshot() == before


def test_wont_do_needs_a_reason_and_done_cannot_become_wont_do(
    client: TestClient, responder: Person, snapshot: Snapshot
) -> None:
    item = _create(client, responder)
    one = f"{ITEMS}/{item['id']}"
    before = snapshot()
    no_reason = client.patch(one, json={"status": "wont_do"}, headers=bearer(responder))
    assert no_reason.status_code == 422
    assert no_reason.headers["content-type"] == PROBLEM
    assert no_reason.json()["errors"][0]["location"] == "body.wont_do_reason"
    assert snapshot() == before
    client.patch(one, json={"status": "done"}, headers=bearer(responder))
    before = snapshot()
    refused = client.patch(
        one, json={"status": "wont_do", "wont_do_reason": "no time"}, headers=bearer(responder)
    )
    assert refused.status_code == 409
    assert refused.headers["content-type"] == PROBLEM
    assert (
        refused.json()["detail"]
        == "an action item that is done cannot become wont_do; allowed: open"
    )
    assert snapshot() == before
    reason = client.patch(one, json={"status": "open"}, headers=bearer(responder)).json()
    assert (reason["status"], reason["done_at"]) == ("open", None)
