"""`/api/v1/problems`: record from incidents, link more, move through statuses; refused
input gets problem+json and changes nothing."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.factories import Person, bearer
from tests.web.conftest import Snapshot

PROBLEM = "application/problem+json"


@pytest.fixture
def incidents(client: TestClient, admin: Person, responder: Person) -> list[int]:
    service = client.post("/api/v1/services", json={"name": "Web"}, headers=bearer(admin)).json()
    return [
        int(
            client.post(
                "/api/v1/incidents",
                json={"title": f"Pool exhausted {n}", "service_id": service["id"]},
                headers=bearer(responder),
            ).json()["id"]
        )
        for n in range(3)
    ]


def test_a_problem_from_a_selection_of_incidents_links_more_later(
    client: TestClient, responder: Person, incidents: list[int]
) -> None:
    created = client.post(
        "/api/v1/problems",
        json={"title": "Connection pool too small", "incident_ids": incidents[:2]},
        headers=bearer(responder),
    )
    assert created.status_code == 201, created.text
    problem = created.json()
    assert (problem["number"], problem["status"]) == ("PRB-1", "new")
    assert [i["id"] for i in problem["incidents"]] == incidents[:2]
    linked = client.post(
        f"/api/v1/problems/{problem['id']}/incidents",
        json={"incident_ids": [incidents[2], incidents[0]]},
        headers=bearer(responder),
    )
    assert [i["id"] for i in linked.json()["incidents"]] == incidents
    timeline = client.get(f"/api/v1/incidents/{incidents[2]}/timeline", headers=bearer(responder))
    assert timeline.json()[-1]["summary"] == (
        "resp linked this incident to problem PRB-1: Connection pool too small"
    )
    item = client.post(
        "/api/v1/action-items",
        json={"title": "Size the pool", "owner_id": responder.id, "problem_id": problem["id"]},
        headers=bearer(responder),
    ).json()
    shown = client.get(f"/api/v1/problems/{problem['id']}", headers=bearer(responder)).json()
    assert shown["action_item_ids"] == [item["id"]]
    filtered = client.get("/api/v1/problems", params={"status": "new"}, headers=bearer(responder))
    assert [p["id"] for p in filtered.json()] == [problem["id"]]


def test_a_known_error_needs_a_workaround_and_resolved_cannot_become_known(
    client: TestClient, responder: Person, incidents: list[int], snapshot: Snapshot
) -> None:
    problem = client.post(
        "/api/v1/problems", json={"title": "Pool"}, headers=bearer(responder)
    ).json()
    one = f"/api/v1/problems/{problem['id']}"
    before = snapshot()
    refused = client.patch(one, json={"status": "known_error"}, headers=bearer(responder))
    assert refused.status_code == 422
    assert refused.headers["content-type"] == PROBLEM
    assert refused.json()["errors"][0]["location"] == "body.workaround"
    assert snapshot() == before
    client.patch(one, json={"status": "resolved"}, headers=bearer(responder))
    before = snapshot()
    moved = client.patch(
        one, json={"status": "known_error", "workaround": "restart"}, headers=bearer(responder)
    )
    assert moved.status_code == 409
    assert moved.json()["detail"] == (
        "a problem that is resolved cannot become known_error; allowed: investigating"
    )
    assert snapshot() == before


def test_linking_an_unknown_incident_changes_nothing(
    client: TestClient, responder: Person, incidents: list[int], snapshot: Snapshot
) -> None:
    problem = client.post(
        "/api/v1/problems", json={"title": "Pool"}, headers=bearer(responder)
    ).json()
    before = snapshot()
    refused = client.post(
        f"/api/v1/problems/{problem['id']}/incidents",
        json={"incident_ids": [incidents[0], 999]},
        headers=bearer(responder),
    )
    assert refused.status_code == 422
    assert refused.headers["content-type"] == PROBLEM
    assert refused.json()["detail"] == "no incident #999"
    assert snapshot() == before
