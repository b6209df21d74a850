"""Action item pages over HTTP: add from an incident, see it in "my action items", move it
to done; a bad due date is said above the form."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.factories import Person, bearer, browser_login


def test_an_item_added_on_the_incident_page_is_in_my_action_items(
    client: TestClient, admin: Person, responder: Person
) -> None:
    service = client.post("/api/v1/services", json={"name": "Web"}, headers=bearer(admin)).json()
    client.post(
        "/api/v1/incidents",
        json={"title": "Down", "service_id": service["id"]},
        headers=bearer(responder),
    )
    csrf = browser_login(client, responder.login)
    added = client.post(
        "/action-items",
        data={
            "csrf_token": csrf,
            "next": "/incidents/1",
            "incident_id": "1",
            "title": "Add a cache alert",
            "owner_id": str(responder.id),
            "due_on": "2026-01-30",
            "priority": "P2",
            "external_url": "https://github.com/example/ops/issues/7",
        },
        follow_redirects=False,
    )
    assert added.status_code == 303, added.text
    assert added.headers["location"] == "/incidents/1"
    assert "Add a cache alert" in client.get("/incidents/1").text
    mine = client.get("/action-items", params={"mine": "1"})
    assert "Add a cache alert" in mine.text
    assert 'href="https://github.com/example/ops/issues/7"' in mine.text
    assert "/api/v1/action-items.csv?mine=true" in mine.text
    done = client.post(
        "/action-items/1", data={"csrf_token": csrf, "status": "done"}, follow_redirects=False
    )
    assert done.status_code == 303
    item = client.get("/api/v1/action-items/1", headers=bearer(responder)).json()
    assert item["status"] == "done"


def test_a_due_date_in_the_past_is_said_above_the_form(
    client: TestClient, responder: Person
) -> None:
    csrf = browser_login(client, responder.login)
    refused = client.post(
        "/action-items",
        data={
            "csrf_token": csrf,
            "title": "x",
            "owner_id": str(responder.id),
            "due_on": "2025-12-01",
        },
    )
    assert refused.status_code == 422
    assert "the due date 2025-12-01 is in the past" in refused.text
    assert client.get("/api/v1/action-items", headers=bearer(responder)).json() == []
