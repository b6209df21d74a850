"""Bulk acknowledge and resolve from the incident list."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.factories import Person, bearer, browser_login


def _incidents(client: TestClient, admin: Person, count: int) -> list[int]:
    service = client.post("/api/v1/services", json={"name": "Web"}, headers=bearer(admin)).json()
    return [
        client.post(
            "/api/v1/incidents",
            json={"title": f"Disk full {n}", "service_id": service["id"]},
            headers=bearer(admin),
        ).json()["id"]
        for n in range(count)
    ]


def _status(client: TestClient, admin: Person, incident: int) -> str:
    found = client.get(f"/api/v1/incidents/{incident}", headers=bearer(admin)).json()
    return str(found["status"])


def test_ticked_incidents_are_acknowledged_and_those_past_it_are_named(
    client: TestClient, admin: Person, responder: Person
) -> None:
    first, second, third = _incidents(client, admin, 3)
    client.post(f"/api/v1/incidents/{third}/resolve", json={}, headers=bearer(admin))
    csrf = browser_login(client, responder.login)
    assert 'name="incident_ids"' in client.get("/incidents").text
    page = client.post(
        "/incidents/bulk",
        data={
            "csrf_token": csrf,
            "action": "acknowledge",
            "incident_ids": [str(first), str(second), str(third)],
            "query": "status=triggered",
        },
    )
    assert page.url.path == "/incidents"
    assert page.url.query == b"status=triggered"
    assert f"Acknowledged #{first}, #{second}; left alone (already past that): #{third}." in (
        page.text
    )
    assert [_status(client, admin, i) for i in (first, second, third)] == [
        "acknowledged",
        "acknowledged",
        "resolved",
    ]


def test_ticked_incidents_are_resolved(
    client: TestClient, admin: Person, responder: Person
) -> None:
    [only] = _incidents(client, admin, 1)
    csrf = browser_login(client, responder.login)
    client.post(
        "/incidents/bulk",
        data={"csrf_token": csrf, "action": "resolve", "incident_ids": str(only)},
    )
    assert _status(client, admin, only) == "resolved"


def test_viewers_get_no_ticks_and_cannot_post(client: TestClient, viewer: Person) -> None:
    csrf = browser_login(client, viewer.login)
    assert 'name="incident_ids"' not in client.get("/incidents").text
    refused = client.post(
        "/incidents/bulk", data={"csrf_token": csrf, "action": "resolve", "incident_ids": "1"}
    )
    assert refused.status_code == 403
