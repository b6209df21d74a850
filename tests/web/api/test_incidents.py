"""`/api/v1/incidents`: declare, list, read, edit, act; refused input changes nothing."""

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


@pytest.fixture
def service_id(client: TestClient, admin: Person) -> int:
    response = client.post("/api/v1/services", json={"name": "Checkout"}, headers=bearer(admin))
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _declare(
    client: TestClient, person: Person, service_id: int, **fields: object
) -> dict[str, Any]:
    body = {"title": "Checkout returns 502", "service_id": service_id, **fields}
    response = client.post("/api/v1/incidents", json=body, headers=bearer(person))
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_declaring_returns_number_status_and_priority(
    client: TestClient, responder: Person, service_id: int
) -> None:
    response = client.post(
        "/api/v1/incidents",
        json={"title": "Payments down", "service_id": service_id, "impact": 1, "urgency": 2},
        headers=bearer(responder),
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["id"], body["number"], body["status"], body["priority"]) == (
        1,
        1,
        "triggered",
        "P2",
    )
    assert body["sla"]["acknowledge"]["target_minutes"] == 15
    assert body["sla"]["acknowledge"]["seconds_left"] == 15 * 60
    assert body["allowed_actions"] == ["acknowledge", "resolve"]
    assert response.headers["location"] == "/api/v1/incidents/1"


def test_viewers_cannot_declare(
    client: TestClient, viewer: Person, service_id: int, snapshot: Snapshot
) -> None:
    before = snapshot()
    response = client.post(
        "/api/v1/incidents", json={"title": "x", "service_id": service_id}, headers=bearer(viewer)
    )
    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "status", "location"),
    [
        ({"title": "", "service_id": 1}, 422, "body.title"),
        ({"title": "x", "service_id": 1, "impact": 5}, 422, "body.impact"),
        (
            {"title": "x", "service_id": 1, "priority": "P0", "priority_reason": "r"},
            422,
            "body.priority",
        ),
        ({"title": "x", "service_id": 1, "priority": "P1"}, 422, "body"),
        ({"title": "x", "service_id": 999}, 422, "body.service_id"),
        ({"title": "x", "service_id": 1, "category_id": 999}, 422, "body.category_id"),
        ({"title": "x", "service_id": 1, "assignee_id": 999}, 422, "body.assignee_id"),
        ({"title": "x", "service_id": 1, "source": "alert"}, 422, "body.source"),
    ],
)
def test_refused_declarations_change_nothing(
    client: TestClient,
    responder: Person,
    service_id: int,
    snapshot: Snapshot,
    body: dict[str, object],
    status: int,
    location: str,
) -> None:
    assert service_id == 1
    before = snapshot()
    response = client.post("/api/v1/incidents", json=body, headers=bearer(responder))
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["errors"][0]["location"] == location
    assert snapshot() == before


def test_refused_actions_leave_the_row_and_timeline_unchanged(
    client: TestClient, responder: Person, service_id: int, snapshot: Snapshot
) -> None:
    number = _declare(client, responder, service_id)["id"]
    before = snapshot()
    attempts = [
        ("post", f"/api/v1/incidents/{number}/hold", None, 409),
        ("post", f"/api/v1/incidents/{number}/close", {}, 409),
        ("post", f"/api/v1/incidents/{number}/reopen", None, 409),
        ("post", f"/api/v1/incidents/{number}/resume", None, 409),
        ("patch", f"/api/v1/incidents/{number}", {"impact": 0}, 422),
        ("patch", f"/api/v1/incidents/{number}", {"title": None}, 422),
        ("patch", f"/api/v1/incidents/{number}", {"priority": "P1"}, 422),
        ("post", f"/api/v1/incidents/{number}/notes", {"text": ""}, 422),
        ("post", f"/api/v1/incidents/{number}/merge", {"incident_ids": [number]}, 409),
        ("post", f"/api/v1/incidents/{number}/merge", {"incident_ids": [404]}, 404),
        ("post", "/api/v1/incidents/404/acknowledge", None, 404),
    ]
    for method, url, body, status in attempts:
        response = client.request(method, url, json=body, headers=bearer(responder))
        assert response.status_code == status, (url, body, response.text)
        assert response.headers["content-type"] == PROBLEM
    assert snapshot() == before


def test_a_disallowed_transition_names_the_allowed_ones(
    client: TestClient, responder: Person, service_id: int
) -> None:
    number = _declare(client, responder, service_id)["id"]
    response = client.post(f"/api/v1/incidents/{number}/hold", headers=bearer(responder))
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "cannot hold an incident that is triggered; allowed: acknowledge, resolve"
    )


def test_the_whole_lifecycle_over_the_api(
    client: TestClient, responder: Person, service_id: int, clock: FrozenClock
) -> None:
    number = _declare(client, responder, service_id, impact=2, urgency=1)["id"]
    base = f"/api/v1/incidents/{number}"
    auth = bearer(responder)
    clock.advance(minutes=2)
    assert (
        client.post(f"{base}/acknowledge", headers=auth).json()["sla"]["acknowledge"]["state"]
        == "met"
    )
    assert (
        client.post(f"{base}/notes", json={"text": "Rolling back"}, headers=auth).status_code == 201
    )
    task = client.post(f"{base}/tasks", json={"title": "Roll back"}, headers=auth).json()
    assert client.patch(f"{base}/tasks/{task['id']}", json={"done": True}, headers=auth).json()[
        "done"
    ]
    assert (
        client.post(f"{base}/hold", json={"reason": "vendor"}, headers=auth).json()["status"]
        == "on_hold"
    )
    assert client.post(f"{base}/resume", headers=auth).json()["status"] == "acknowledged"
    assert (
        client.post(f"{base}/resolve", json={"note": "rolled back"}, headers=auth).status_code
        == 200
    )
    refused = client.post(f"{base}/close", json={"resolution_code": "fixed"}, headers=auth)
    assert refused.status_code == 422
    closed = client.post(
        f"{base}/close",
        json={"resolution_code": "fixed", "resolution_notes": "bad deploy", "root_cause": "config"},
        headers=auth,
    ).json()
    assert closed["status"] == "closed"
    assert closed["allowed_actions"] == []
    kinds = [entry["kind"] for entry in client.get(f"{base}/timeline", headers=auth).json()]
    assert kinds == [
        "created",
        "acknowledged",
        "note",
        "task_added",
        "task_done",
        "on_hold",
        "resumed",
        "resolved",
        "closed",
    ]


def test_listing_filters_sorts_pages_and_searches(
    client: TestClient, responder: Person, service_id: int, clock: FrozenClock
) -> None:
    titles = ["Disk full on db-1", "Checkout latency", "DNS resolution failing", "Disk slow"]
    for index, title in enumerate(titles):
        _declare(client, responder, service_id, title=title, impact=1 + index % 4, urgency=1)
        clock.advance(minutes=1)
    auth = bearer(responder)
    first = client.get("/api/v1/incidents?limit=3", headers=auth).json()
    assert [item["number"] for item in first["items"]] == [4, 3, 2]
    second = client.get(
        f"/api/v1/incidents?limit=3&cursor={first['next_cursor']}", headers=auth
    ).json()
    assert [item["number"] for item in second["items"]] == [1]
    assert second["next_cursor"] is None
    by_priority = client.get("/api/v1/incidents?priority=P1&priority=P2", headers=auth).json()
    assert sorted(item["priority"] for item in by_priority["items"]) == ["P1", "P2"]
    searched = client.get("/api/v1/incidents?q=disk", headers=auth).json()
    assert sorted(item["title"] for item in searched["items"]) == ["Disk full on db-1", "Disk slow"]
    prefix = client.get("/api/v1/incidents?q=resol+dns", headers=auth).json()
    assert [item["title"] for item in prefix["items"]] == ["DNS resolution failing"]
    client.post("/api/v1/incidents/2/acknowledge", headers=auth)
    acked = client.get("/api/v1/incidents?status=acknowledged", headers=auth).json()
    assert [item["number"] for item in acked["items"]] == [2]
    oldest = client.get("/api/v1/incidents?sort=number&limit=1", headers=auth).json()
    assert oldest["items"][0]["number"] == 1
    window = client.get(
        "/api/v1/incidents",
        params={"created_after": "2026-01-15T09:01:00Z", "created_before": "2026-01-15T09:03:00Z"},
        headers=auth,
    ).json()
    assert [item["number"] for item in window["items"]] == [3, 2]
    naive = client.get("/api/v1/incidents?created_after=2026-01-15T09:00:00", headers=auth)
    assert naive.status_code == 422


def test_priority_sort_pages_newest_first_within_each_priority(
    client: TestClient, responder: Person, service_id: int, clock: FrozenClock
) -> None:
    declared = []
    for impact in (1, 3, 1, 3, 2):
        declared.append(_declare(client, responder, service_id, impact=impact, urgency=1))
        clock.advance(minutes=1)
    expected = sorted(
        declared, key=lambda item: (int(item["priority"][1:]), item["number"]), reverse=True
    )
    seen: list[int] = []
    cursor = ""
    while True:
        page = client.get(
            "/api/v1/incidents",
            params={"sort": "-priority", "limit": 2, "cursor": cursor},
            headers=bearer(responder),
        ).json()
        seen += [item["number"] for item in page["items"]]
        if page["next_cursor"] is None:
            break
        cursor = page["next_cursor"]
    assert seen == [item["number"] for item in expected]


def test_a_search_with_many_matches_finds_the_same_page(
    client: TestClient,
    responder: Person,
    service_id: int,
    clock: FrozenClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for title in ("Disk full", "Disk slow", "DNS failing", "Disk gone", "Disk again"):
        _declare(client, responder, service_id, title=title)
        clock.advance(minutes=1)

    def numbers() -> list[int]:
        params: dict[str, str | int] = {"q": "disk", "limit": 3}
        page = client.get("/api/v1/incidents", params=params, headers=bearer(responder)).json()
        return [item["number"] for item in page["items"]]

    sparse = numbers()
    # On SQLite a search with at least DENSE matches takes another plan; same answer.
    monkeypatch.setattr("watchkeeper.incidents.search.DENSE", 2)
    assert numbers() == sparse == [5, 4, 2]


def test_csv_export_has_a_header_and_one_row_per_incident(
    client: TestClient, responder: Person, service_id: int
) -> None:
    for title in ("One, with a comma", 'Two "quoted"'):
        _declare(client, responder, service_id, title=title)
    response = client.get("/api/v1/incidents.csv", headers=bearer(responder))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][:4] == ["number", "title", "status", "priority"]
    assert [row[1] for row in rows[1:]] == ['Two "quoted"', "One, with a comma"]
    assert rows[1][6] == "Checkout"


@pytest.mark.parametrize(
    "title", ['=HYPERLINK("http://evil.example","Click")', "+1+cmd", "-2+3", "@SUM(A1:A2)"]
)
def test_csv_export_writes_formula_like_titles_as_inert_text(
    client: TestClient, responder: Person, service_id: int, title: str
) -> None:
    _declare(client, responder, service_id, title=title)
    response = client.get("/api/v1/incidents.csv", headers=bearer(responder))
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[1][1] == "'" + title
    assert rows[1][2] == "triggered"  # ordinary cells stay as they are


def test_merge_over_the_api(client: TestClient, responder: Person, service_id: int) -> None:
    survivor = _declare(client, responder, service_id)["id"]
    duplicate = _declare(client, responder, service_id)["id"]
    response = client.post(
        f"/api/v1/incidents/{survivor}/merge",
        json={"incident_ids": [duplicate]},
        headers=bearer(responder),
    )
    assert response.status_code == 200
    merged = client.get(f"/api/v1/incidents/{duplicate}", headers=bearer(responder)).json()
    assert (merged["status"], merged["merged_into_id"], merged["resolution_code"]) == (
        "closed",
        survivor,
        "duplicate",
    )


def test_a_service_with_open_incidents_is_degraded(
    client: TestClient, responder: Person, service_id: int
) -> None:
    number = _declare(client, responder, service_id)["id"]
    url = f"/api/v1/services/{service_id}"
    assert client.get(url, headers=bearer(responder)).json()["status"] == "degraded"
    client.post(f"/api/v1/incidents/{number}/resolve", headers=bearer(responder))
    assert client.get(url, headers=bearer(responder)).json()["status"] == "operational"


def test_admins_edit_the_matrix_and_sla_targets(
    client: TestClient, admin: Person, responder: Person, service_id: int
) -> None:
    matrix = client.get("/api/v1/priority-matrix", headers=bearer(responder)).json()
    assert matrix["is_default"] is True
    cells = [{**cell, "priority": 1} for cell in matrix["cells"]]
    assert (
        client.put(
            "/api/v1/priority-matrix", json={"cells": cells}, headers=bearer(responder)
        ).status_code
        == 403
    )
    assert (
        client.put(
            "/api/v1/priority-matrix", json={"cells": cells[:15]}, headers=bearer(admin)
        ).status_code
        == 422
    )
    assert (
        client.put(
            "/api/v1/priority-matrix", json={"cells": cells}, headers=bearer(admin)
        ).status_code
        == 200
    )
    targets = client.get("/api/v1/sla-policies", headers=bearer(admin)).json()["targets"]
    targets[0]["ack_minutes"] = 2
    assert (
        client.put(
            "/api/v1/sla-policies", json={"targets": targets}, headers=bearer(admin)
        ).status_code
        == 200
    )
    incident = _declare(client, responder, service_id, impact=4, urgency=4)
    assert incident["priority"] == "P1"
    assert incident["sla"]["acknowledge"]["target_minutes"] == 2


def test_reopen_window_comes_from_settings(
    client: TestClient, responder: Person, service_id: int, clock: FrozenClock
) -> None:
    number = _declare(client, responder, service_id)["id"]
    client.post(f"/api/v1/incidents/{number}/resolve", headers=bearer(responder))
    clock.advance(timedelta(days=8))
    response = client.post(f"/api/v1/incidents/{number}/reopen", headers=bearer(responder))
    assert response.status_code == 409
    assert "more than 7 days" in response.json()["detail"]


def test_saving_the_same_description_with_crlf_line_breaks_changes_nothing(
    client: TestClient, responder: Person, service_id: int
) -> None:
    incident = _declare(client, responder, service_id, description="Steps:\n- restart\n- check")
    path = f"/api/v1/incidents/{incident['id']}"
    read = client.get(f"{path}/timeline", headers=bearer(responder))
    assert read.status_code == 200, read.text
    timeline = read.json()
    # A browser sends a textarea's text with CRLF line breaks.
    same = client.patch(
        path, json={"description": "Steps:\r\n- restart\r\n- check"}, headers=bearer(responder)
    )
    assert same.status_code == 200, same.text
    assert same.json()["description"] == "Steps:\n- restart\n- check"
    assert client.get(f"{path}/timeline", headers=bearer(responder)).json() == timeline
    changed = client.patch(
        path, json={"description": "Steps:\r\n- restart"}, headers=bearer(responder)
    )
    assert changed.json()["description"] == "Steps:\n- restart"
    after = client.get(f"{path}/timeline", headers=bearer(responder)).json()
    assert after != timeline
