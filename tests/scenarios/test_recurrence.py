"""Recurrence, told as a story: an outage has a postmortem whose action item is still
open; ten days later the same alert fires again, and the new incident says so at the top
of its page, on its timeline and in the page that wakes the on-call."""

from __future__ import annotations

from typing import Any

import pytest

from tests.alertmanager import firing
from tests.factories import bearer, browser_login
from tests.scenarios.harness import Harness
from tests.scenarios.paging import Paging


@pytest.fixture
def p(h: Harness) -> Paging:
    return Paging(h)


def _resolved_alert(name: str, at: Any) -> dict[str, Any]:
    body = firing(name, at=at)
    body["status"] = body["alerts"][0]["status"] = "resolved"
    body["alerts"][0]["endsAt"] = at.isoformat()
    return body


def test_a_recurring_alert_pattern_warns_on_the_new_incident(p: Paging) -> None:
    alice = p.person("alice")
    p.policy(([("user", alice.id)], 5))
    p.alert("CheckoutErrors")
    assert p.now() == [("alice", [1])]
    p.act("alice", "resolve", 1)
    p.h.post("alertmanager", _resolved_alert("CheckoutErrors", p.h.clock.now()))
    pm = p.h.client.post("/api/v1/incidents/1/postmortem", headers=bearer(alice)).json()
    item = p.h.client.post(
        "/api/v1/action-items",
        json={
            "title": "Alert before the pool is exhausted",
            "owner_id": alice.id,
            "postmortem_id": pm["id"],
            "due_on": "2026-01-20",
        },
        headers=bearer(alice),
    )
    assert item.status_code == 201, item.text
    p.h.run_engine()
    p.h.channel.take()

    p.h.clock.advance(days=10)
    p.alert("CheckoutErrors")
    p.h.run_engine()

    warning = "Looks like #1 (2026-01-15): 1 action item open, 1 overdue"
    pages = [s for s in p.h.channel.take() if s.message.payload.get("type") == "page"]
    [sent] = pages  # (alice's overdue action item also reminds her, separately)
    assert p.addresses[sent.address] == "alice"
    assert f"Note: {warning}" in sent.message.text
    assert p.timeline(2, "recurrence") == [warning]
    browser_login(p.h.client, "alice")
    page = p.h.client.get("/incidents/2")
    assert f'data-testid="recurrence-warning"><strong>{warning}.</strong>' in page.text


def test_an_unrelated_incident_on_another_service_does_not_warn(p: Paging) -> None:
    alice = p.person("alice")
    p.policy(([("user", alice.id)], 5))
    p.alert("CheckoutErrors")
    p.now()
    p.h.client.post(
        "/api/v1/action-items",
        json={"title": "Fix it", "owner_id": alice.id, "incident_id": 1},
        headers=bearer(alice),
    )
    other = p.h.service("search")
    p.h.client.post(
        "/api/v1/incidents",
        json={"title": "CheckoutErrors is firing", "service_id": other},
        headers=bearer(alice),
    )
    p.h.run_engine()
    assert p.timeline(2, "recurrence") == []
