"""Response plans, told as a story: the database team writes a runbook and a plan for a
full disk; an Alertmanager alert opens an incident that carries the plan's steps as
tasks, the page links to the plan, and re-prioritising the incident twice adds nothing."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories import bearer, browser_login
from tests.scenarios.harness import Harness
from tests.scenarios.paging import Paging


@pytest.fixture
def p(h: Harness) -> Paging:
    return Paging(h)


def _plan(p: Paging, who: Any) -> int:
    article = p.h.client.post(
        "/api/v1/kb/articles",
        json={"title": "Disk full runbook", "body": "Delete `/var/log/*.gz` first."},
        headers=bearer(who),
    ).json()
    plan = p.h.client.post(
        "/api/v1/response-plans",
        json={
            "name": "Disk full",
            "service_id": p.h.service_ids["web"],
            "priority_min": 1,
            "priority_max": 3,
            "matchers": ['alertname="DiskFull"'],
            "steps": [
                {"text": "Take command and open a channel", "role": "commander"},
                {"text": "Free space", "article_id": article["id"]},
                {"text": "Tell support"},
            ],
            "article_ids": [article["id"]],
        },
        headers=bearer(who),
    )
    assert plan.status_code == 201, plan.text
    return int(plan.json()["id"])


def _tasks(p: Paging, who: Any) -> list[str]:
    found = p.h.client.get("/api/v1/incidents/1/tasks", headers=bearer(who))
    return [task["title"] for task in found.json()]


def test_an_alert_opens_an_incident_with_the_plans_tasks_once(p: Paging) -> None:
    alice = p.person("alice")
    p.policy(([("user", alice.id)], 5))
    _plan(p, alice)

    p.alert("DiskFull")
    [(who, [number])] = p.now()

    assert (who, number) == ("alice", 1)
    steps = ["Take command and open a channel", "Free space", "Tell support"]
    assert _tasks(p, alice) == steps
    [notice] = p.timeline(1, "response_plan")
    assert notice == "Response plan 'Disk full' attached (3 tasks)"
    for priority in ("P2", "P1"):
        changed = p.h.client.patch(
            "/api/v1/incidents/1",
            json={"priority": priority, "priority_reason": "customers hit"},
            headers=bearer(alice),
        )
        assert changed.status_code == 200, changed.text
        p.now()
    assert _tasks(p, alice) == steps
    assert p.timeline(1, "response_plan") == [notice]


def test_the_page_links_to_the_plan_and_the_incident_page_shows_it(p: Paging) -> None:
    alice = p.person("alice")
    p.policy(([("user", alice.id)], 5))
    _plan(p, alice)
    p.alert("DiskFull")
    p.h.run_engine()
    [sent] = p.h.channel.take()
    assert "Response plan 'Disk full' attached (3 tasks): " in sent.message.text
    assert "/incidents/1#plans" in sent.message.text
    browser_login(p.h.client, "alice")
    page = p.h.client.get("/incidents/1").text
    assert 'id="plans"' in page
    assert '<a href="/kb/1">Disk full runbook</a>' in page
    assert "from Disk full" in page


def test_an_alert_the_plan_does_not_match_gets_no_tasks(p: Paging) -> None:
    alice = p.person("alice")
    p.policy(([("user", alice.id)], 5))
    _plan(p, alice)
    p.alert("HighLatency")
    p.now()
    assert _tasks(p, alice) == []
    assert p.timeline(1, "response_plan") == []
