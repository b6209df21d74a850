"""Escalation levels that page a schedule: whoever is on call at the moment the level
fires, across daylight-saving changes, overrides and restricted layers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.factories import bearer
from tests.scenarios.harness import Harness
from tests.scenarios.paging import Paging


@pytest.fixture
def p(h: Harness) -> Paging:
    return Paging(h)


def schedule(h: Harness, zone: str, *layers: dict[str, Any]) -> int:
    created = h.client.post(
        "/api/v1/schedules",
        json={"name": f"rota {zone} {len(layers)}", "time_zone": zone},
        headers=bearer(h.admin),
    )
    assert created.status_code == 201, created.text
    schedule_id = int(created.json()["id"])
    for index, layer in enumerate(layers):
        added = h.client.post(
            f"/api/v1/schedules/{schedule_id}/layers",
            json={"name": f"layer {index}", **layer},
            headers=bearer(h.admin),
        )
        assert added.status_code == 201, added.text
    return schedule_id


def test_a_daily_rotation_hands_off_at_the_same_wall_time_across_the_spring_change(
    p: Paging, h: Harness
) -> None:
    # Berlin moves from CET to CEST on Sunday 2026-03-29 at 02:00; hand-off is 09:00 local.
    h.clock.set(datetime(2026, 3, 27, 6, 0, tzinfo=UTC))
    alice, bob = p.person("alice"), p.person("bob")
    rota = schedule(
        h,
        "Europe/Berlin",
        {
            "participants": [alice.id, bob.id],
            "rotation": "daily",
            "handoff_time": "09:00",
            "start": "2026-03-27T09:00",
        },
    )
    p.policy(([("schedule", rota)], 30))
    # Sunday 08:59 CEST (06:59 UTC): still Saturday's shift, bob.
    h.clock.set(datetime(2026, 3, 29, 6, 59, tzinfo=UTC))
    p.alert("Before")
    assert p.now() == [("bob", [1])]
    # Sunday 09:00 CEST is 07:00 UTC, an hour earlier in UTC than Saturday's hand-off:
    # alice's day has begun (a naive 24 h rotation would keep bob until 08:00 UTC).
    h.clock.set(datetime(2026, 3, 29, 7, 0, tzinfo=UTC))
    p.alert("After")
    assert p.now() == [("alice", [2])]


def test_an_override_beats_every_layer_for_its_time(p: Paging, h: Harness) -> None:
    h.clock.set(datetime(2026, 6, 10, 12, 0, tzinfo=UTC))
    alice, carol = p.person("alice"), p.person("carol")
    rota = schedule(
        h,
        "UTC",
        {"participants": [alice.id], "rotation": "weekly", "start": "2026-06-01T09:00"},
    )
    now = h.clock.now()
    added = h.client.post(
        f"/api/v1/schedules/{rota}/overrides",
        json={
            "user_id": carol.id,
            "starts_at": (now - timedelta(hours=1)).isoformat(),
            "ends_at": (now + timedelta(minutes=30)).isoformat(),
        },
        headers=bearer(h.admin),
    )
    assert added.status_code == 201, added.text
    p.policy(([("schedule", rota)], 45), repeat=1)
    p.alert("DiskFull")
    assert p.now() == [("carol", [1])]
    # The policy runs again 45 minutes later; the override has ended by then.
    assert p.at(minutes=45) == [("alice", [1])]


def test_a_restricted_layer_covers_business_hours_and_the_layer_below_the_rest(
    p: Paging, h: Harness
) -> None:
    h.clock.set(datetime(2026, 6, 1, 0, 0, tzinfo=UTC))
    alice, dave = p.person("alice"), p.person("dave")
    weekdays = [{"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "17:00"}]
    rota = schedule(
        h,
        "America/New_York",
        {"participants": [alice.id], "rotation": "weekly", "start": "2026-05-04T09:00"},
        {
            "participants": [dave.id],
            "rotation": "weekly",
            "start": "2026-05-04T09:00",
            "restrictions": weekdays,
        },
    )
    p.policy(([("schedule", rota)], 30))
    h.clock.set(datetime(2026, 6, 3, 14, 0, tzinfo=UTC))  # Wednesday 10:00 EDT
    p.alert("Day")
    assert p.now() == [("dave", [1])]
    h.clock.set(datetime(2026, 6, 4, 0, 0, tzinfo=UTC))  # Wednesday 20:00 EDT
    p.alert("Evening")
    assert p.now() == [("alice", [2])]
    h.clock.set(datetime(2026, 6, 6, 14, 0, tzinfo=UTC))  # Saturday 10:00 EDT
    p.alert("Weekend")
    assert p.now() == [("alice", [3])]


def test_a_schedule_with_nobody_on_call_is_an_unroutable_level(p: Paging, h: Harness) -> None:
    h.clock.set(datetime(2026, 6, 6, 14, 0, tzinfo=UTC))  # a Saturday
    alice, bob = p.person("alice"), p.person("bob")
    weekdays = [{"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "17:00"}]
    rota = schedule(
        h,
        "UTC",
        {
            "participants": [alice.id],
            "rotation": "weekly",
            "start": "2026-05-04T09:00",
            "restrictions": weekdays,
        },
    )
    p.policy(([("schedule", rota)], 30), ([("user", bob.id)], 30))
    p.alert("Weekend")
    assert p.now() == [("bob", [1])]  # the empty level moved on at once
    assert len(p.timeline(1, "unroutable")) == 1


def test_people_who_ask_are_told_once_when_their_shift_starts(p: Paging, h: Harness) -> None:
    h.clock.set(datetime(2026, 6, 1, 8, 0, tzinfo=UTC))
    alice, bob = p.person("alice"), p.person("bob")
    schedule(
        h,
        "UTC",
        {"participants": [alice.id, bob.id], "rotation": "daily", "start": "2026-06-01T09:00"},
    )
    wants = h.client.put(
        f"/api/v1/users/{alice.id}/notification-preferences",
        json={"handoff": True},
        headers=bearer(alice),
    )
    assert wants.status_code == 200, wants.text
    h.run_engine()
    assert h.channel.take() == []  # nobody's shift started yet
    h.clock.set(datetime(2026, 6, 1, 9, 0, 20, tzinfo=UTC))
    h.run_engine()
    [told] = h.channel.take()
    assert told.address == "alice@example.com"
    assert "You are on call now" in told.message.subject
    assert "lasts until Tue 02 Jun 09:00 UTC" in told.message.text
    h.clock.advance(seconds=40)
    h.run_engine()
    assert h.channel.take() == []  # once
    h.clock.set(datetime(2026, 6, 2, 9, 0, 5, tzinfo=UTC))  # bob's turn: he did not ask
    h.run_engine()
    assert h.channel.take() == []
    h.clock.set(datetime(2026, 6, 3, 9, 1, tzinfo=UTC))
    h.run_engine()
    assert [sent.address for sent in h.channel.take()] == ["alice@example.com"]


def test_a_schedule_a_running_escalation_uses_cannot_be_deleted_and_still_pages(
    p: Paging, h: Harness
) -> None:
    h.clock.set(datetime(2026, 6, 1, 12, 0, tzinfo=UTC))
    alice, bob = p.person("alice"), p.person("bob")
    rota = schedule(
        h, "UTC", {"participants": [alice.id], "rotation": "weekly", "start": "2026-06-01T09:00"}
    )
    p.policy(([("user", bob.id)], 5), ([("schedule", rota)], 5))
    p.alert("DiskFull")
    assert p.now() == [("bob", [1])]
    deleted = h.client.delete(f"/api/v1/schedules/{rota}", headers=bearer(h.admin))
    assert deleted.status_code == 409, deleted.text
    assert "still used by escalation policy" in deleted.json()["detail"]
    assert p.at(minutes=5) == [("alice", [1])]  # level 2 reaches the schedule's person
    assert p.timeline(1, "unroutable") == []
