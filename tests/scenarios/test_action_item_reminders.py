"""Action items, told as stories: the owner is reminded through their own contact method
two days before the due date, and again once it has passed; done items stay quiet."""

from __future__ import annotations

import pytest

from tests.factories import bearer
from tests.scenarios.harness import Harness
from tests.scenarios.paging import Paging


@pytest.fixture
def p(h: Harness) -> Paging:
    return Paging(h)


def _reminders(p: Paging) -> list[tuple[str, str]]:
    p.h.run_engine()
    return [(p.addresses[s.address], s.message.subject) for s in p.h.channel.take()]


def test_an_overdue_action_item_reminds_its_owner_through_their_channel(p: Paging) -> None:
    alice = p.person("alice")
    created = p.h.client.post(
        "/api/v1/action-items",
        json={"title": "Alert on cache fill", "owner_id": alice.id, "due_on": "2026-01-20"},
        headers=bearer(alice),
    )
    assert created.status_code == 201, created.text

    assert _reminders(p) == []  # Thursday 15th: five days ahead
    p.h.clock.advance(days=3)  # Sunday 18th: two days ahead
    assert _reminders(p) == [
        ("alice", "[Watchkeeper] Action item due on Tue 20 Jan: Alert on cache fill")
    ]
    p.h.clock.advance(days=2)  # the due day itself: nothing new
    assert _reminders(p) == []
    p.h.clock.advance(days=1)  # Wednesday 21st: overdue
    assert _reminders(p) == [("alice", "[Watchkeeper] Action item overdue: Alert on cache fill")]
    p.h.clock.advance(days=1)
    assert _reminders(p) == []  # once


def test_a_done_action_item_sends_no_reminder(p: Paging) -> None:
    bob = p.person("bob")
    item = p.h.client.post(
        "/api/v1/action-items",
        json={"title": "Rotate logs", "owner_id": bob.id, "due_on": "2026-01-16"},
        headers=bearer(bob),
    ).json()
    p.h.client.patch(
        f"/api/v1/action-items/{item['id']}", json={"status": "done"}, headers=bearer(bob)
    )
    p.h.clock.advance(days=5)
    assert _reminders(p) == []
