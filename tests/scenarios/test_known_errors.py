"""Known errors, told as a story: a problem with a workaround is marked a known error;
its open incident shows the workaround, and so does a new incident of the same alert."""

from __future__ import annotations

import pytest

from tests.factories import bearer, browser_login
from tests.scenarios.harness import Harness
from tests.scenarios.paging import Paging


@pytest.fixture
def p(h: Harness) -> Paging:
    return Paging(h)


def test_a_known_errors_workaround_is_shown_on_linked_and_matching_incidents(p: Paging) -> None:
    alice = p.person("alice")
    p.policy(([("user", alice.id)], 5))
    p.alert("PoolExhausted")
    p.now()
    problem = p.h.client.post(
        "/api/v1/problems",
        json={"title": "Pool too small", "incident_ids": [1]},
        headers=bearer(alice),
    ).json()
    p.h.client.patch(
        f"/api/v1/problems/{problem['id']}",
        json={"status": "known_error", "workaround": "Restart the api pods"},
        headers=bearer(alice),
    )
    browser_login(p.h.client, "alice")
    assert "Workaround: <p>Restart the api pods</p>" in p.h.client.get("/incidents/1").text

    p.act("alice", "resolve", 1)
    p.h.client.post(
        "/api/v1/integrations/{}/alertmanager".format(p.h.key("alertmanager")),
        json={
            "version": "4",
            "status": "resolved",
            "alerts": [
                {
                    "status": "resolved",
                    "labels": {"alertname": "PoolExhausted", "severity": "critical"},
                    "startsAt": p.h.clock.now().isoformat(),
                    "endsAt": p.h.clock.now().isoformat(),
                }
            ],
        },
    )
    p.h.run_engine()
    p.h.clock.advance(days=2)
    p.alert("PoolExhausted")
    [(who, [number])] = p.now()
    assert (who, number) == ("alice", 2)
    said = "Known error PRB-1 (Pool too small): workaround: Restart the api pods"
    assert p.timeline(2, "known_error") == [said]
    assert (
        'Known error <a href="/problem-records/1">PRB-1</a>' in p.h.client.get("/incidents/2").text
    )
    assert "Known error" not in p.h.client.get("/incidents/1").text  # resolved: no longer
