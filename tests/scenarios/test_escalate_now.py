"""A responder who will not wait out a level's delay escalates now: the next level is paged
at once, and the timeline says who did it."""

from __future__ import annotations

import pytest

from tests.factories import browser_login
from tests.scenarios.harness import Harness
from tests.scenarios.paging import Paging


@pytest.fixture
def p(h: Harness) -> Paging:
    return Paging(h)


def test_escalate_now_pages_the_second_level_without_waiting(p: Paging, h: Harness) -> None:
    alice, bob = p.person("alice"), p.person("bob")
    p.policy(([("user", alice.id)], 30), ([("user", bob.id)], 30))
    p.alert("DatabaseDown")
    assert p.now() == [("alice", [1])]
    csrf = browser_login(h.client, alice.login)
    page = h.client.post("/incidents/1/escalate", data={"csrf_token": csrf})
    assert 'data-testid="flash">Escalated: the next level is paged now<' in page.text
    assert p.now() == [("bob", [1])]  # the clock did not move
    assert p.timeline(1, "escalated") == ["alice escalated now: level 2 is paged without waiting"]


def test_escalating_an_acknowledged_incident_is_refused(p: Paging, h: Harness) -> None:
    alice = p.person("alice")
    p.policy(([("user", alice.id)], 30))
    p.alert("DatabaseDown")
    assert p.now() == [("alice", [1])]
    p.act("alice", "acknowledge", 1)
    p.now()
    csrf = browser_login(h.client, alice.login)
    refused = h.client.post("/incidents/1/escalate", data={"csrf_token": csrf})
    assert refused.status_code == 409
    assert "#1 has no escalation running" in refused.text
    assert p.timeline(1, "escalated") == []


def test_snoozing_holds_the_next_level_until_the_snooze_ends(p: Paging, h: Harness) -> None:
    alice, bob = p.person("alice"), p.person("bob")
    p.policy(([("user", alice.id)], 5), ([("user", bob.id)], 5))
    p.alert("DatabaseDown")
    assert p.now() == [("alice", [1])]
    csrf = browser_login(h.client, alice.login)
    page = h.client.post("/incidents/1/snooze", data={"csrf_token": csrf, "minutes": "30"})
    assert "Paging snoozed until " in page.text
    assert p.at(minutes=10) == []  # level 2 was due after 5 minutes
    assert p.at(minutes=21) == [("bob", [1])]
    assert p.timeline(1, "snoozed") == ["alice snoozed paging for 30 min"]


def test_a_snooze_of_an_odd_length_is_refused(p: Paging, h: Harness) -> None:
    alice = p.person("alice")
    p.policy(([("user", alice.id)], 5))
    p.alert("DatabaseDown")
    p.now()
    csrf = browser_login(h.client, alice.login)
    refused = h.client.post("/incidents/1/snooze", data={"csrf_token": csrf, "minutes": "7"})
    assert refused.status_code == 422
    assert p.timeline(1, "snoozed") == []
