"""Heartbeats: a cron job checks in; silence past its deadline, a run that never
finishes, or a reported failure opens an incident, and the next success resolves it."""

from __future__ import annotations

from datetime import timedelta

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
