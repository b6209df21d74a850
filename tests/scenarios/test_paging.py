"""Escalation and notification, told as stories: an alert comes in, the clock moves, and
exactly the messages that are due go out, to exactly the people they are for."""

from __future__ import annotations

import pytest

from tests.factories import bearer
from tests.scenarios.harness import Harness
from tests.scenarios.paging import Paging
from watchkeeper.catalog.users.roles import Role
from watchkeeper.db.sealing import Sealer
from watchkeeper.pipeline.notify.channels.base import Delivery
from watchkeeper.pipeline.notify.models import ContactMethod
from watchkeeper.wiring import secret_key


@pytest.fixture
def p(h: Harness) -> Paging:
    return Paging(h)


def test_levels_page_in_order_after_their_delays_and_then_stop(p: Paging) -> None:
    alice, bob = p.person("alice"), p.person("bob")
    p.policy(([("user", alice.id)], 5), ([("user", bob.id)], 10))
    p.alert("DiskFull")
    assert p.now() == [("alice", [1])]
    assert p.at(minutes=4, seconds=59) == []
    assert p.at(seconds=1) == [("bob", [1])]
    assert p.at(minutes=30) == []  # the last level waited; no repeat: nobody else
    assert p.timeline(1, "paged") == [
        "paged alice (escalation level 1)",
        "paged bob (escalation level 2)",
    ]


def test_a_policy_repeats_its_levels_as_often_as_it_says(p: Paging) -> None:
    alice, bob = p.person("alice"), p.person("bob")
    p.policy(([("user", alice.id)], 5), ([("user", bob.id)], 5), repeat=1)
    p.alert("DiskFull")
    assert p.now() == [("alice", [1])]
    assert p.at(minutes=5) == [("bob", [1])]
    assert p.at(minutes=5) == [("alice", [1])]
    assert p.at(minutes=5) == [("bob", [1])]
    assert p.at(minutes=5) == []
    assert p.at(hours=2) == []


def test_acknowledging_stops_the_escalation(p: Paging) -> None:
    alice, bob = p.person("alice"), p.person("bob")
    p.policy(([("user", alice.id)], 5), ([("user", bob.id)], 5))
    p.alert("DiskFull")
    assert p.now() == [("alice", [1])]
    p.at(minutes=2)
    p.act("alice", "acknowledge", 1)
    assert p.at(minutes=10) == []
    assert p.at(hours=3) == []


def test_a_reopened_incident_escalates_again_from_the_first_level(p: Paging) -> None:
    alice, bob = p.person("alice"), p.person("bob")
    p.policy(([("user", alice.id)], 5), ([("user", bob.id)], 5))
    p.alert("DiskFull")
    assert p.now() == [("alice", [1])]
    p.act("alice", "resolve", 1)
    assert p.at(minutes=10) == []
    p.act("alice", "reopen", 1)
    assert p.at(minutes=1) == [("alice", [1])]
    assert p.at(minutes=5) == [("bob", [1])]


def test_a_level_that_reaches_nobody_is_recorded_pages_the_admins_and_moves_on(
    p: Paging, h: Harness
) -> None:
    root = p.person("boss", role=Role.ADMIN)
    bob = p.person("bob")
    empty = h.client.post("/api/v1/teams", json={"name": "Nobody"}, headers=bearer(root))
    p.policy(([("team", empty.json()["id"])], 15), ([("user", bob.id)], 15))
    p.alert("DiskFull")
    # The harness's own admin has no contact method: the boss gets it, and bob at once.
    assert sorted(p.now()) == [("bob", [1]), ("boss", [1])]
    assert p.timeline(1, "unroutable") == [
        "escalation level 1 reached nobody (no one on call or no active users)"
    ]
    assert p.timeline(1, "notify_failed") == ["root cannot be notified: no verified contact method"]


def test_a_viewer_who_is_paged_gets_no_links_to_act_and_a_responder_does(
    p: Paging, h: Harness
) -> None:
    vic = p.person("vic", role=Role.VIEWER, reachable=False)
    alice = p.person("alice")
    with h.db.transaction() as session:  # a viewer's token may not add methods: by hand
        now = h.clock.now()
        session.add(
            ContactMethod(
                user_id=vic.id,
                kind="email",
                address=Sealer(secret_key(h.settings)).seal("vic@example.com"),
                label="email",
                verified_at=now,
                created_at=now,
            )
        )
    p.addresses["vic@example.com"] = "vic"
    p.policy(([("user", vic.id), ("user", alice.id)], 30))
    p.alert("DiskFull")
    h.run_engine()
    sent = {p.addresses[s.address]: s.message for s in h.channel.take()}
    assert sorted(sent) == ["alice", "vic"]
    assert "/act/" not in sent["vic"].text
    assert "/act/" not in sent["vic"].html
    assert sent["vic"].payload["incidents"][0]["acknowledge_url"] is None
    assert "/act/" in sent["alice"].text
    assert (
        sent["alice"]
        .payload["incidents"][0]["acknowledge_url"]
        .startswith("http://testserver/act/")
    )


def test_reassigning_pages_the_new_assignee(p: Paging, h: Harness) -> None:
    alice, bob = p.person("alice"), p.person("bob")
    p.policy(([("user", alice.id)], 30))
    p.alert("DiskFull")
    assert p.now() == [("alice", [1])]
    p.act("alice", "acknowledge", 1)
    h.clock.advance(minutes=3)
    moved = h.client.patch(
        "/api/v1/incidents/1", json={"assignee_id": bob.id}, headers=bearer(alice)
    )
    assert moved.status_code == 200, moved.text
    assert p.now() == [("bob", [1])]
    assert p.at(hours=1) == []


def test_pages_within_the_throttle_minute_are_bundled_never_dropped(p: Paging) -> None:
    alice = p.person("alice")
    p.policy(([("user", alice.id)], 30))
    p.alert("DiskFull")
    p.alert("CpuHot")
    assert p.now() == [("alice", [1, 2])]  # came together: one message, both incidents
    p.at(seconds=20)
    p.alert("MemoryLow")
    assert p.now() == []  # within the minute: waits
    p.at(seconds=20)
    p.alert("NetDown")
    assert p.now() == []
    assert p.at(seconds=19) == []
    assert p.at(seconds=1) == [("alice", [3, 4])]
    assert p.outbox().count(("page", "bundled")) == 2


def test_a_failing_channel_is_retried_with_backoff_until_it_delivers(p: Paging, h: Harness) -> None:
    alice = p.person("alice")
    p.policy(([("user", alice.id)], 30))
    h.channel.failures = [
        Delivery(ok=False, retryable=True, detail="HTTP 503"),
        Delivery(ok=False, retryable=True, detail="HTTP 503"),
    ]
    h.channel.attempts = 0
    p.alert("DiskFull")
    assert p.now() == []
    assert h.channel.attempts == 1
    assert p.at(seconds=7) == []  # the first retry waits 7.5 to 15 s: not yet
    assert h.channel.attempts == 1
    assert p.at(seconds=8) == []  # retried, and failed again: the next wait is 15 to 30 s
    assert h.channel.attempts == 2
    assert p.at(seconds=30) == [("alice", [1])]
    assert h.channel.attempts == 3
    assert p.at(hours=1) == []


def test_a_permanent_failure_is_on_the_timeline_and_other_channels_still_deliver(
    p: Paging, h: Harness
) -> None:
    alice = p.person("alice")
    p.reach(alice, "webhook", "https://hooks.example.com/alice")
    p.policy(([("user", alice.id)], 30))
    h.channel.failures = [Delivery(ok=False, retryable=False, detail="HTTP 410")]
    p.alert("DiskFull")
    assert p.now() == [("alice", [1])]  # one of the two got through
    assert p.timeline(1, "notify_failed") == ["could not notify alice via email 'email': HTTP 410"]
    assert p.at(hours=1) == []


def test_paging_by_hand_reaches_users_and_teams_once_each(p: Paging, h: Harness) -> None:
    alice, bob = p.person("alice"), p.person("bob")
    team = h.client.post("/api/v1/teams", json={"name": "DB"}, headers=bearer(h.admin)).json()
    h.client.post(
        f"/api/v1/teams/{team['id']}/members", json={"user_id": bob.id}, headers=bearer(h.admin)
    )
    p.alert("DiskFull")  # the service has no policy: nobody is paged on its own
    assert p.now() == []
    response = h.client.post(
        "/api/v1/incidents/1/page",
        json={"user_ids": [alice.id, bob.id], "team_ids": [team["id"]], "message": "help"},
        headers=bearer(alice),
    )
    assert response.status_code == 201, response.text
    assert [page["user_id"] for page in response.json()] == [alice.id, bob.id]
    assert sorted(p.now()) == [("alice", [1]), ("bob", [1])]
    assert p.timeline(1, "escalation") == [
        "its service has no escalation policy: nobody is paged automatically"
    ]


def test_the_delivery_log_shows_each_message_its_state_and_the_channels_answer(
    p: Paging, h: Harness
) -> None:
    alice = p.person("alice")
    p.policy(([("user", alice.id)], 30))
    h.channel.failures = [Delivery(ok=False, retryable=True, detail="HTTP 503")]
    p.alert("DiskFull")
    p.alert("CpuHot")
    p.now()
    log = h.client.get("/api/v1/incidents/2/notifications", headers=bearer(alice)).json()
    assert [(row["status"], row["carried_by_id"]) for row in log] == [("pending", None)]
    first = h.client.get("/api/v1/incidents/1/notifications", headers=bearer(alice)).json()
    assert [(row["status"], row["attempts"], row["answer"]) for row in first] == [
        ("pending", 1, "HTTP 503")
    ]
    assert p.at(seconds=15) == [("alice", [1, 2])]
    log = h.client.get("/api/v1/incidents/2/notifications", headers=bearer(alice)).json()
    assert [row["status"] for row in log] == ["bundled"]
    assert (
        h.client.get("/api/v1/incidents/99/notifications", headers=bearer(alice)).status_code == 404
    )
