"""The incident page shows its notification log: who was told, through what, and how it went."""

from __future__ import annotations

import pytest

from tests.factories import browser_login
from tests.scenarios.harness import Harness
from tests.scenarios.paging import Paging


@pytest.fixture
def p(h: Harness) -> Paging:
    return Paging(h)


def test_a_page_sent_to_alice_shows_in_the_incident_s_notification_log(
    p: Paging, h: Harness
) -> None:
    alice = p.person("alice")
    p.policy(([("user", alice.id)], 5))
    p.alert("DatabaseDown")
    assert p.now() == [("alice", [1])]
    browser_login(h.client, h.admin.login)
    page = h.client.get("/incidents/1").text
    log = page.split('data-testid="notification-log"', 1)[1].split("</table>", 1)[0]
    assert "<td>alice</td>" in log
    assert "<td>sent" in log
    assert "No notifications sent" not in page


def test_an_incident_nobody_was_told_about_says_so(p: Paging, h: Harness) -> None:
    p.alert("DatabaseDown")
    assert p.now() == []
    browser_login(h.client, h.admin.login)
    assert "No notifications sent for this incident." in h.client.get("/incidents/1").text
