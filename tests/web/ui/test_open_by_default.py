"""The incident list opens on open incidents; any filter shows every status."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.factories import Person, bearer, browser_login


def test_the_list_shows_open_incidents_until_asked_for_all(
    client: TestClient, admin: Person, responder: Person
) -> None:
    service = client.post("/api/v1/services", json={"name": "Web"}, headers=bearer(admin)).json()
    for title in ("Disk full", "Old outage"):
        client.post(
            "/api/v1/incidents",
            json={"title": title, "service_id": service["id"]},
            headers=bearer(admin),
        )
    client.post("/api/v1/incidents/2/resolve", json={}, headers=bearer(admin))
    browser_login(client, responder.login)
    default = client.get("/incidents").text
    assert "Disk full" in default
    assert "Old outage" not in default
    assert 'value="triggered" checked' in default
    assert "Old outage" in client.get("/incidents?q=").text
    assert "Old outage" in client.get("/incidents?status=resolved").text
