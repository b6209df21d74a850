"""A service without an escalation policy pages nobody: its pages say so plainly, before
an SLA breach does."""

from __future__ import annotations

import pytest

from tests.factories import browser_login
from tests.scenarios.harness import Harness
from tests.scenarios.paging import Paging

NOBODY = "Nobody is paged for this service."


@pytest.fixture
def p(h: Harness) -> Paging:
    return Paging(h)


def test_an_alert_on_a_service_without_a_policy_says_nobody_is_paged(p: Paging, h: Harness) -> None:
    p.alert("DatabaseDown")
    assert p.now() == []  # nobody got anything
    browser_login(h.client, h.admin.login)
    service_id = h.service_ids["web"]
    assert NOBODY in h.client.get(f"/admin/services/{service_id}").text
    assert NOBODY in h.client.get("/incidents/1").text


def test_with_a_policy_the_warning_is_gone(p: Paging, h: Harness) -> None:
    alice = p.person("alice")
    p.policy(([("user", alice.id)], 5))
    p.alert("DatabaseDown")
    assert p.now() == [("alice", [1])]
    browser_login(h.client, h.admin.login)
    assert NOBODY not in h.client.get(f"/admin/services/{h.service_ids['web']}").text
    assert NOBODY not in h.client.get("/incidents/1").text
