"""`/api/v1/postmortems`: star, draft, edit, review, publish, export; refused input gets
problem+json and changes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.factories import Person, bearer
from tests.web.conftest import Snapshot
from watchkeeper.core.clock import FrozenClock

PROBLEM = "application/problem+json"


@pytest.fixture
def incident(client: TestClient, admin: Person, responder: Person, clock: FrozenClock) -> int:
    """A P2 incident on Checkout, acknowledged after 4 minutes, resolved after 50."""
    service = client.post("/api/v1/services", json={"name": "Checkout"}, headers=bearer(admin))
    body = {"title": "Checkout 502s", "service_id": service.json()["id"], "impact": 1, "urgency": 2}
    number = int(
        client.post("/api/v1/incidents", json=body, headers=bearer(responder)).json()["id"]
    )
    clock.advance(minutes=4)
    client.post(f"/api/v1/incidents/{number}/acknowledge", headers=bearer(responder))
    clock.advance(minutes=46)
    client.post(f"/api/v1/incidents/{number}/resolve", headers=bearer(responder))
    return number


def _draft(client: TestClient, person: Person, number: int) -> dict[str, Any]:
    response = client.post(f"/api/v1/incidents/{number}/postmortem", headers=bearer(person))
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_a_starred_entry_is_in_the_draft_timeline(
    client: TestClient, responder: Person, incident: int
) -> None:
    timeline = client.get(f"/api/v1/incidents/{incident}/timeline", headers=bearer(responder))
    created = timeline.json()[0]
    starred = client.put(
        f"/api/v1/incidents/{incident}/timeline/{created['id']}/star",
        json={"starred": True},
        headers=bearer(responder),
    )
    assert starred.status_code == 200, starred.text
    assert (starred.json()["id"], starred.json()["starred"]) == (created["id"], True)
    pm = _draft(client, responder, incident)
    assert [e["starred"] for e in pm["facts"]["timeline"] if e["id"] == created["id"]] == [True]
    durations = {d["name"]: d["seconds"] for d in pm["durations"]}
    assert durations["Time to acknowledge"] == 4 * 60
    assert durations["Time to resolve"] == 50 * 60
    assert [s["state"] for s in pm["facts"]["sla"]] == ["met", "met"]
    assert pm["facts"]["responders"] == ["resp"]


def test_review_approval_and_publishing_are_on_the_incident_timeline(
    client: TestClient, admin: Person, responder: Person, incident: int
) -> None:
    pm = _draft(client, responder, incident)
    one = f"/api/v1/postmortems/{pm['id']}"
    asked = client.post(
        f"{one}/reviewers", json={"user_ids": [admin.id]}, headers=bearer(responder)
    )
    assert asked.status_code == 200, asked.text
    assert client.post(f"{one}/submit", headers=bearer(responder)).status_code == 200
    early = client.post(f"{one}/approve", headers=bearer(responder))
    assert early.status_code == 409  # resp was not asked
    assert client.post(f"{one}/approve", headers=bearer(admin)).status_code == 200
    published = client.post(f"{one}/publish", headers=bearer(responder))
    assert published.status_code == 200, published.text
    assert published.json()["status"] == "published"
    entries = client.get(f"/api/v1/incidents/{incident}/timeline", headers=bearer(responder))
    said = [e["summary"] for e in entries.json() if e["kind"] == "postmortem"]
    assert said == [
        "resp started the postmortem",
        "resp asked root to review the postmortem",
        "resp submitted the postmortem for review",
        "root approved the postmortem",
        "resp published the postmortem",
    ]


def test_publishing_a_draft_is_refused_and_changes_nothing(
    client: TestClient, responder: Person, incident: int, snapshot: Snapshot
) -> None:
    pm = _draft(client, responder, incident)
    before = snapshot()
    response = client.post(f"/api/v1/postmortems/{pm['id']}/publish", headers=bearer(responder))
    assert response.status_code == 409
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["detail"] == (
        "cannot publish a postmortem that is draft; allowed: submit"
    )
    assert snapshot() == before


def test_an_unknown_owner_is_refused_and_changes_nothing(
    client: TestClient, responder: Person, incident: int, snapshot: Snapshot
) -> None:
    pm = _draft(client, responder, incident)
    before = snapshot()
    response = client.patch(
        f"/api/v1/postmortems/{pm['id']}", json={"owner_id": 999}, headers=bearer(responder)
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["errors"][0]["location"] == "body.owner_id"
    assert snapshot() == before


def test_a_postmortem_waits_for_its_incident_to_be_resolved(
    client: TestClient, admin: Person, responder: Person, snapshot: Snapshot
) -> None:
    service = client.post("/api/v1/services", json={"name": "Web"}, headers=bearer(admin))
    body = {"title": "Slow", "service_id": service.json()["id"]}
    number = client.post("/api/v1/incidents", json=body, headers=bearer(responder)).json()["id"]
    before = snapshot()
    response = client.post(f"/api/v1/incidents/{number}/postmortem", headers=bearer(responder))
    assert response.status_code == 409
    assert response.headers["content-type"] == PROBLEM
    assert snapshot() == before


def test_markdown_export_carries_the_facts_and_the_sections(
    client: TestClient, responder: Person, incident: int
) -> None:
    pm = _draft(client, responder, incident)
    response = client.get(f"/api/v1/postmortems/{pm['id']}/export", headers=bearer(responder))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/markdown")
    text = response.text
    assert text.startswith("# Postmortem: Checkout 502s\n")
    assert "| Time to resolve | 50 min |" in text
    assert "| SLA | acknowledge: met by 11 min; resolve: met by 7 h 10 min |" in text
    for section in ("## Summary", "## Root cause", "## Where we got lucky", "## Action items"):
        assert section in text


def test_printable_html_renders_user_markdown_without_raw_html_or_script_links(
    client: TestClient, responder: Person, incident: int
) -> None:
    pm = _draft(client, responder, incident)
    body = "## Root cause\n\n<script>alert(1)</script> [x](javascript:alert(1)) [ok](https://example.com)"
    client.patch(f"/api/v1/postmortems/{pm['id']}", json={"body": body}, headers=bearer(responder))
    response = client.get(
        f"/api/v1/postmortems/{pm['id']}/export",
        params={"format": "html"},
        headers=bearer(responder),
    )
    assert response.status_code == 200
    assert "<script>" not in response.text
    assert 'href="javascript' not in response.text
    assert '<a href="https://example.com">ok</a>' in response.text


def test_the_template_decides_the_sections_of_the_next_draft(
    client: TestClient, admin: Person, responder: Person, incident: int
) -> None:
    default = client.get("/api/v1/postmortem-template", headers=bearer(responder)).json()
    assert default["is_default"] is True
    assert default["sections"][0] == "Summary"
    changed = client.put(
        "/api/v1/postmortem-template",
        json={"sections": ["Summary", "Timeline", "Follow-ups"]},
        headers=bearer(admin),
    )
    assert changed.status_code == 200
    pm = _draft(client, responder, incident)
    assert [line for line in pm["body"].splitlines() if line.startswith("## ")] == [
        "## Summary",
        "## Timeline",
        "## Follow-ups",
    ]


def test_a_required_postmortem_is_due_five_business_days_after_closing(
    client: TestClient, responder: Person, incident: int, clock: FrozenClock
) -> None:
    closed = client.post(
        f"/api/v1/incidents/{incident}/close",
        json={"resolution_code": "fixed", "resolution_notes": "rolled back"},
        headers=bearer(responder),
    )
    assert closed.status_code == 200, closed.text
    [item] = client.get("/api/v1/postmortems/due", headers=bearer(responder)).json()
    # Closed on Thursday 2026-01-15: five business days later is Thursday 2026-01-22.
    assert (item["incident_id"], item["due_at"][:10], item["overdue"]) == (
        incident,
        "2026-01-22",
        False,
    )
    clock.advance(timedelta(days=7))
    [item] = client.get("/api/v1/postmortems/due", headers=bearer(responder)).json()
    assert item["overdue"] is True


def test_a_postmortem_covers_a_related_incident_too(
    client: TestClient, admin: Person, responder: Person, incident: int, snapshot: Snapshot
) -> None:
    service = client.post("/api/v1/services", json={"name": "Cart"}, headers=bearer(admin))
    body = {"title": "Cart slow", "service_id": service.json()["id"]}
    other = client.post("/api/v1/incidents", json=body, headers=bearer(responder)).json()["id"]
    created = client.post(
        f"/api/v1/incidents/{incident}/postmortem",
        json={"also_incident_ids": [other]},
        headers=bearer(responder),
    )
    assert created.status_code == 201, created.text
    assert created.json()["incident_ids"] == [incident, other]
    covering = client.get(f"/api/v1/incidents/{other}/postmortem", headers=bearer(responder))
    assert covering.json()["id"] == created.json()["id"]
    before = snapshot()
    again = client.post(f"/api/v1/incidents/{other}/postmortem", headers=bearer(responder))
    assert again.status_code in (409, 422)
    assert snapshot() == before
