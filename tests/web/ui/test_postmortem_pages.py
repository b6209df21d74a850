"""Postmortem pages over HTTP: star from the incident page, start the draft, edit it with
a preview, review and publish, the printable page, the template."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.factories import Person, bearer, browser_login


@pytest.fixture
def incident(client: TestClient, admin: Person, responder: Person) -> int:
    service = client.post("/api/v1/services", json={"name": "Web"}, headers=bearer(admin))
    body = {"title": "Web down", "service_id": service.json()["id"]}
    number = int(
        client.post("/api/v1/incidents", json=body, headers=bearer(responder)).json()["id"]
    )
    client.post(f"/api/v1/incidents/{number}/resolve", headers=bearer(responder))
    return number


def test_a_responder_stars_an_entry_and_starts_the_postmortem_from_the_incident_page(
    client: TestClient, responder: Person, incident: int
) -> None:
    csrf = browser_login(client, responder.login)
    page = client.get(f"/incidents/{incident}")
    assert 'aria-label="Star entry 1"' in page.text
    assert "Start the postmortem" in page.text
    starred = client.post(
        f"/incidents/{incident}/timeline/1/star",
        data={"csrf_token": csrf, "starred": "true"},
        headers={"HX-Request": "true"},
    )
    assert starred.status_code == 200
    assert 'aria-label="Unstar entry 1"' in starred.text
    started = client.post(
        f"/incidents/{incident}/postmortem", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert started.status_code == 303
    shown = client.get(started.headers["location"])
    assert "Postmortem: Web down" in shown.text
    assert "★" in shown.text
    assert 'hx-post="/postmortems-preview"' in shown.text


def test_the_preview_renders_markdown_by_the_document_rules(
    client: TestClient, responder: Person
) -> None:
    csrf = browser_login(client, responder.login)
    response = client.post(
        "/postmortems-preview",
        data={"csrf_token": csrf, "body": "**bold** <b>raw</b> [x](javascript:alert(1))"},
    )
    assert response.status_code == 200
    assert "<strong>bold</strong>" in response.text
    assert "<b>raw</b>" not in response.text
    assert "javascript:" not in response.text.split("[x](")[0]
    assert 'href="javascript' not in response.text


def test_saving_the_form_and_publishing_after_approval(
    client: TestClient, admin: Person, responder: Person, incident: int
) -> None:
    csrf = browser_login(client, responder.login)
    client.post(f"/incidents/{incident}/postmortem", data={"csrf_token": csrf})
    saved = client.post(
        "/postmortems/1",
        data={
            "csrf_token": csrf,
            "title": "Web down: the cache",
            "body": "## Summary\n\nThe cache filled up.",
            "owner_id": str(responder.id),
            "mitigated_at": "",
            "public_form": "1",
            "public": "on",
            "public_summary": "Web was slow for 5 minutes.",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    client.post("/postmortems/1/reviewers", data={"csrf_token": csrf, "user_ids": str(admin.id)})
    client.post("/postmortems/1/move/submit", data={"csrf_token": csrf})
    client.post("/api/v1/postmortems/1/approve", headers=bearer(admin))
    client.post("/postmortems/1/move/publish", data={"csrf_token": csrf})
    page = client.get("/postmortems/1")
    assert 'data-testid="postmortem-status">published' in page.text
    assert "The cache filled up." in page.text
    listed = client.get("/postmortems")
    assert "Web down: the cache" in listed.text
    printed = client.get("/postmortems/1/print")
    assert "<h1>Web down: the cache</h1>" in printed.text
    assert "@page" in printed.text


def test_an_admin_edits_the_template(client: TestClient, admin: Person) -> None:
    csrf = browser_login(client, admin.login)
    saved = client.post(
        "/admin/postmortem-template",
        data={"csrf_token": csrf, "sections": "Summary\n\nTimeline\nLessons"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    page = client.get("/admin/postmortem-template")
    assert "Summary\nTimeline\nLessons" in page.text
