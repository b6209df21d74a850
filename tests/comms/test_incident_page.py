"""The incident page: when the next stakeholder update is due, sending one from the
form, and publishing the incident to a status page as a draft for review."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.factories import bearer, browser_login
from tests.scenarios.harness import Harness


def _p1(h: Harness, client: TestClient) -> int:
    service = h.service("checkout")
    body = {"title": "DB primary lost", "service_id": service, "impact": 1, "urgency": 1}
    response = client.post("/api/v1/incidents", json=body, headers=bearer(h.admin))
    assert response.status_code == 201
    return int(response.json()["id"])


def test_the_page_says_when_the_next_update_is_due_and_sends_one(
    h: Harness, client: TestClient
) -> None:
    incident = _p1(h, client)
    csrf = browser_login(client, h.admin.login)
    h.clock.advance(minutes=18)
    assert "next update due in 12 min" in client.get(f"/incidents/{incident}").text

    added = client.post(
        f"/incidents/{incident}/stakeholders",
        data={"csrf_token": csrf, "email": "vp@example.com"},
        follow_redirects=False,
    )
    assert added.status_code == 303
    sent = client.post(
        f"/incidents/{incident}/stakeholder-updates",
        data={"csrf_token": csrf, "subject": "Checkout", "body": "Failing over now."},
        follow_redirects=False,
    )
    assert sent.status_code == 303
    page = client.get(f"/incidents/{incident}").text
    assert "next update due in 30 min" in page
    assert "vp@example.com" in page
    assert "Stakeholder update sent (1 message): Checkout" in page
    empty = client.post(
        f"/incidents/{incident}/stakeholder-updates", data={"csrf_token": csrf, "body": ""}
    )
    assert empty.status_code == 422


def test_publish_to_status_page_makes_a_draft_without_internal_details(
    h: Harness, client: TestClient
) -> None:
    incident = _p1(h, client)
    created = client.post(
        "/api/v1/status-pages", json={"slug": "acme", "title": "Acme"}, headers=bearer(h.admin)
    )
    page_id = created.json()["id"]
    csrf = browser_login(client, h.admin.login)
    answer = client.post(
        f"/incidents/{incident}/publish-status",
        data={
            "csrf_token": csrf,
            "page_id": str(page_id),
            "name": "Checkout disruption",
            "body": "We are investigating failed payments.",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/admin/status-pages/{page_id}"
    [draft] = client.get(
        f"/api/v1/status-pages/{page_id}/incidents", headers=bearer(h.admin)
    ).json()
    assert draft["state"] == "draft"
    assert draft["incident_id"] == incident
    assert draft["name"] == "Checkout disruption"
    assert "DB primary" not in client.get("/status/acme").text


def test_admins_write_templates_and_rules_on_their_page(h: Harness, client: TestClient) -> None:
    csrf = browser_login(client, h.admin.login)
    made = client.post(
        "/admin/stakeholders/templates",
        data={"csrf_token": csrf, "name": "hourly", "subject": "{number}", "body": "{title}"},
        follow_redirects=False,
    )
    assert made.status_code == 303
    refused = client.post(
        "/admin/stakeholders/templates",
        data={"csrf_token": csrf, "name": "bad", "subject": "{nope}", "body": "x"},
    )
    assert refused.status_code == 422
    assert "unknown placeholders nope" in refused.text
    rule = client.post(
        "/admin/stakeholders/rules",
        data={"csrf_token": csrf, "max_priority": "2", "email": "exec@example.com"},
        follow_redirects=False,
    )
    assert rule.status_code == 303
    page = client.get("/admin/stakeholders").text
    assert "hourly" in page
    assert "bad" not in page
    assert "P2 or higher → exec@example.com" in page
