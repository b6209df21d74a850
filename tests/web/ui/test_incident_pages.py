"""Incident pages over HTTP: declare, act, live rows, and refusals that change nothing."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from tests.factories import Person, bearer, browser_login
from tests.web.conftest import Snapshot


@pytest.fixture
def service_id(client: TestClient, admin: Person) -> int:
    response = client.post("/api/v1/services", json={"name": "Web"}, headers=bearer(admin))
    return int(response.json()["id"])


def test_declaring_from_the_form_redirects_to_the_new_incident(
    client: TestClient, responder: Person, service_id: int
) -> None:
    csrf = browser_login(client, responder.login)
    response = client.post(
        "/incidents/new",
        data={
            "csrf_token": csrf,
            "title": "Web down",
            "service_id": str(service_id),
            "impact": "1",
            "urgency": "1",
            "tags": "web, eu",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/incidents/1"
    page = client.get("/incidents/1")
    assert "#1" in page.text
    assert "P1" in page.text
    assert "<code>eu</code>" in page.text


def test_an_invalid_declaration_shows_errors_and_creates_nothing(
    client: TestClient, responder: Person, service_id: int, snapshot: Snapshot
) -> None:
    csrf = browser_login(client, responder.login)
    before = snapshot()
    page = client.post(
        "/incidents/new", data={"csrf_token": csrf, "title": "", "service_id": "999"}
    )
    assert page.status_code == 422
    assert "title" in page.text
    assert snapshot() == before


def test_viewers_see_incidents_but_cannot_act(
    client: TestClient, viewer: Person, responder: Person, service_id: int, snapshot: Snapshot
) -> None:
    client.post(
        "/api/v1/incidents",
        json={"title": "Seen", "service_id": service_id},
        headers=bearer(responder),
    )
    csrf = browser_login(client, viewer.login)
    page = client.get("/incidents/1")
    assert page.status_code == 200
    assert "Acknowledge</button>" not in page.text
    before = snapshot()
    refused = client.post("/incidents/1/acknowledge", data={"csrf_token": csrf})
    assert refused.status_code == 403
    assert snapshot() == before


def test_a_disallowed_action_shows_the_reason_and_changes_nothing(
    client: TestClient, responder: Person, service_id: int, snapshot: Snapshot
) -> None:
    client.post(
        "/api/v1/incidents",
        json={"title": "x", "service_id": service_id},
        headers=bearer(responder),
    )
    csrf = browser_login(client, responder.login)
    before = snapshot()
    page = client.post("/incidents/1/hold", data={"csrf_token": csrf})
    assert page.status_code == 409
    assert "cannot hold an incident that is triggered" in page.text
    assert snapshot() == before


def test_the_rows_fragment_answers_204_until_something_changes(
    client: TestClient, responder: Person, service_id: int
) -> None:
    browser_login(client, responder.login)
    listing = client.get("/incidents")
    fingerprint = re.search(r'data-fingerprint="([^"]*)"', listing.text)
    assert fingerprint
    unchanged = client.get(f"/incidents/rows?since={fingerprint.group(1)}")
    assert unchanged.status_code == 204
    client.post(
        "/api/v1/incidents",
        json={"title": "New one", "service_id": service_id},
        headers=bearer(responder),
    )
    changed = client.get(f"/incidents/rows?since={fingerprint.group(1)}")
    assert changed.status_code == 200
    assert "New one" in changed.text


def test_notes_are_rendered_as_safe_markdown(
    client: TestClient, responder: Person, service_id: int
) -> None:
    client.post(
        "/api/v1/incidents",
        json={"title": "x", "service_id": service_id},
        headers=bearer(responder),
    )
    csrf = browser_login(client, responder.login)
    client.post(
        "/incidents/1/notes",
        data={
            "csrf_token": csrf,
            "text": "**bold** <script>alert(1)</script> [x](javascript:alert(2))",
        },
    )
    page = client.get("/incidents/1").text
    assert "<strong>bold</strong>" in page
    assert "<script>alert(1)</script>" not in page
    assert 'href="javascript:' not in page


def test_admin_pages_for_catalog_and_policy_render(client: TestClient, admin: Person) -> None:
    browser_login(client, admin.login)
    for url in ("/admin/services", "/admin/categories", "/admin/policy"):
        assert client.get(url).status_code == 200, url
