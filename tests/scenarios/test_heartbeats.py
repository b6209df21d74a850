"""Heartbeats: a cron job checks in; silence past its deadline, a run that never
finishes, or a reported failure opens an incident, and the next success resolves it."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.factories import Person, bearer
from tests.scenarios.harness import Harness


def _heartbeat(h: Harness, *, period: int = 3600, grace: int = 300) -> str:
    return h.integration("heartbeat", period_seconds=period, grace_seconds=grace)


def _check_in(h: Harness, key: str, signal: str = "") -> str:
    response = h.client.post(f"/api/v1/heartbeats/{key}" + (f"/{signal}" if signal else ""))
    assert response.status_code == 200, response.text
    return str(response.json()["heartbeat"])


def test_a_run_that_started_and_never_finished_says_so(h: Harness) -> None:
    key = _heartbeat(h, grace=300)
    h.clock.advance(timedelta(hours=1, minutes=1))
    assert _check_in(h, key, "start") == "running"
    h.clock.advance(timedelta(minutes=6))
    h.run_engine()
    [incident] = h.incidents()
    assert incident.title == (
        "heartbeat for web: the run started at 2026-01-15 10:01 UTC "
        "did not finish within its grace (5 minutes)"
    )


def test_silence_past_the_period_and_grace_says_when_it_was_last_seen(h: Harness) -> None:
    key = _heartbeat(h, period=3600, grace=300)
    assert _check_in(h, key) == "up"
    h.clock.advance(timedelta(hours=1, minutes=4))
    h.run_engine()
    assert h.incidents() == []
    h.clock.advance(timedelta(minutes=2))
    h.run_engine()
    [incident] = h.incidents()
    assert incident.title == (
        "heartbeat for web: no check-in since 2026-01-15 09:00 UTC (due by 2026-01-15 10:05 UTC)"
    )
    assert _check_in(h, key) == "up"
    h.run_engine()
    assert h.incidents()[0].status == "resolved"


def _integration(h: Harness) -> dict[str, Any]:
    listed = h.client.get(
        f"/api/v1/services/{h.service_ids['web']}/integrations", headers=bearer(h.admin)
    )
    [row] = [r for r in listed.json() if r["type"] == "heartbeat"]
    return dict(row)


def test_the_api_says_where_a_heartbeat_stands(h: Harness) -> None:
    key = _heartbeat(h, period=3600, grace=300)
    assert _integration(h)["heartbeat"] == {
        "status": "new",
        "period_seconds": 3600,
        "grace_seconds": 300,
        "last_ping_at": None,
        "last_start_at": None,
        "deadline_at": None,
        "down_since": None,
    }
    _check_in(h, key)
    shown = h.client.get(f"/api/v1/integrations/{_integration(h)['id']}", headers=bearer(h.admin))
    assert shown.json()["heartbeat"]["status"] == "up"
    assert shown.json()["heartbeat"]["last_ping_at"] == "2026-01-15T09:00:00Z"
    assert shown.json()["heartbeat"]["deadline_at"] == "2026-01-15T10:05:00Z"


def test_a_longer_period_moves_the_deadline_so_a_daily_job_is_not_late_after_an_hour(
    h: Harness,
) -> None:
    key = _heartbeat(h, period=3600, grace=300)
    _check_in(h, key)
    changed = h.client.patch(
        f"/api/v1/integrations/{_integration(h)['id']}",
        json={"period_seconds": 86400, "grace_seconds": 600},
        headers=bearer(h.admin),
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["heartbeat"]["deadline_at"] == "2026-01-16T09:10:00Z"
    h.clock.advance(timedelta(hours=2))
    h.run_engine()
    assert h.incidents() == []


def test_only_a_heartbeat_has_a_period(h: Harness) -> None:
    h.integration("alertmanager")
    [row] = h.client.get(
        f"/api/v1/services/{h.service_ids['web']}/integrations", headers=bearer(h.admin)
    ).json()
    refused = h.client.patch(
        f"/api/v1/integrations/{row['id']}", json={"period_seconds": 600}, headers=bearer(h.admin)
    )
    assert refused.status_code == 422
    assert "only a heartbeat has a period" in refused.json()["detail"]
    renamed = h.client.patch(
        f"/api/v1/integrations/{row['id']}", json={"name": "prod AM"}, headers=bearer(h.admin)
    )
    assert renamed.json()["name"] == "prod AM"
    assert renamed.json()["heartbeat"] is None


def test_a_responder_cannot_change_a_heartbeat(h: Harness, responder: Person) -> None:
    _heartbeat(h)
    row = _integration(h)
    refused = h.client.patch(
        f"/api/v1/integrations/{row['id']}",
        json={"grace_seconds": 0},
        headers=bearer(responder),
    )
    assert refused.status_code == 403
    assert _integration(h)["heartbeat"]["grace_seconds"] == 300
