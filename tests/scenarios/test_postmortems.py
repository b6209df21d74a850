"""Postmortems, told as stories: an alert pages, people respond and star what mattered,
the incident is resolved, and the draft knows how long each step took; a closed P1 whose
postmortem is not published reminds its owner after five business days."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import bearer
from tests.scenarios.harness import Harness
from tests.scenarios.paging import Paging


@pytest.fixture
def p(h: Harness) -> Paging:
    return Paging(h)


def _timeline(p: Paging, number: int, who: str) -> list[dict[str, Any]]:
    response = p.h.client.get(f"/api/v1/incidents/{number}/timeline", headers=bearer(p.people[who]))
    return list(response.json())


def test_a_resolved_incident_drafts_a_postmortem_with_its_durations_and_starred_entries(
    p: Paging,
) -> None:
    alice = p.person("alice")
    p.policy(([("user", alice.id)], 5))
    p.alert("CheckoutErrors")
    assert p.now() == [("alice", [1])]
    p.at(minutes=3)
    p.act("alice", "acknowledge", 1)
    p.h.clock.advance(minutes=10)
    note = p.h.client.post(
        "/api/v1/incidents/1/notes", json={"text": "rolled back 4711"}, headers=bearer(alice)
    ).json()
    p.h.client.put(
        f"/api/v1/incidents/1/timeline/{note['id']}/star",
        json={"starred": True},
        headers=bearer(alice),
    )
    p.at(minutes=20)
    p.act("alice", "resolve", 1)

    draft = p.h.client.post("/api/v1/incidents/1/postmortem", headers=bearer(alice)).json()

    spans = {d["name"]: d["seconds"] // 60 for d in draft["durations"] if d["seconds"] is not None}
    assert spans == {
        "Time to detect": 0,
        "Time to acknowledge": 3,
        "Time to resolve": 33,
        "Duration of impact": 33,
    }
    starred = [e["summary"] for e in draft["facts"]["timeline"] if e["starred"]]
    assert starred == ["rolled back 4711"]
    kinds = [e["kind"] for e in draft["facts"]["timeline"]]
    assert kinds == ["created", "paged", "acknowledged", "note", "resolved"]
    assert draft["facts"]["paged"] == ["alice"]
    assert draft["facts"]["alerts"][0]["summary"].startswith("CheckoutErrors")
    assert "★ rolled back 4711 (alice)" in draft["body"]


def test_a_closed_p1_without_a_published_postmortem_reminds_its_owner(p: Paging) -> None:
    alice = p.person("alice")
    p.policy(([("user", alice.id)], 5))
    p.alert("CheckoutErrors")  # critical: a P1
    assert p.now() == [("alice", [1])]
    p.act("alice", "resolve", 1)
    closed = p.h.client.post(
        "/api/v1/incidents/1/close",
        json={"resolution_code": "fixed", "resolution_notes": "rolled back"},
        headers=bearer(alice),
    )
    assert closed.status_code == 200, closed.text
    p.h.client.post("/api/v1/incidents/1/postmortem", headers=bearer(alice))

    # Closed Thursday 09:00: due five business days later, the next Thursday 09:00.
    assert p.at(days=6, hours=23) == []
    p.h.clock.advance(hours=1)
    p.h.run_engine()
    [sent] = p.h.channel.take()
    assert p.addresses[sent.address] == "alice"
    assert sent.message.subject.startswith("[Watchkeeper] Postmortem due: #1")
    assert p.timeline(1, "postmortem")[-1] == "reminded alice that the postmortem is due"
    assert p.at(days=3) == []  # once
