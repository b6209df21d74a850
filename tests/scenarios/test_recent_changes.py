"""An incident's recent changes: what changed on its service from a day before it began
until it was resolved, not what was deployed after."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.factories import bearer
from tests.scenarios.harness import Harness


def _deploy(h: Harness, version: str, at: datetime) -> None:
    body = {
        "routing_key": h.key("pagerduty"),
        "payload": {
            "summary": f"Deployed {version}",
            "source": "ci",
            "timestamp": at.isoformat(),
        },
    }
    assert h.client.post("/v2/change/enqueue", json=body).status_code == 202


def _changes(h: Harness, incident_id: int) -> list[str]:
    response = h.client.get(f"/api/v1/incidents/{incident_id}/changes", headers=bearer(h.admin))
    assert response.status_code == 200, response.text
    return [change["summary"] for change in response.json()]


def test_a_deploy_after_the_incident_was_resolved_is_not_among_its_changes(h: Harness) -> None:
    _deploy(h, "v1 (two days before)", h.clock.now() - timedelta(days=2))
    _deploy(h, "v2 (an hour before)", h.clock.now() - timedelta(hours=1))
    h.post("pagerduty", {**_trigger(), "dedup_key": "checkout"})
    h.run_engine()
    [incident] = h.incidents()
    h.clock.advance(timedelta(minutes=10))
    _deploy(h, "v3 (the fix)", h.clock.now())
    assert _changes(h, incident.id) == ["Deployed v3 (the fix)", "Deployed v2 (an hour before)"]

    h.clock.advance(timedelta(minutes=5))
    h.post("pagerduty", {**_trigger(), "dedup_key": "checkout", "event_action": "resolve"})
    h.run_engine()
    assert h.incidents()[0].status == "resolved"
    h.clock.advance(timedelta(hours=2))
    _deploy(h, "v4 (after it was resolved)", h.clock.now())
    assert _changes(h, incident.id) == ["Deployed v3 (the fix)", "Deployed v2 (an hour before)"]


def _trigger() -> dict[str, object]:
    return {
        "event_action": "trigger",
        "payload": {"summary": "Checkout is failing", "source": "probe", "severity": "critical"},
    }
