"""The pure decisions on a finished run: retries, down and recovery, the schedule grid,
and TLS warnings raised once per threshold."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from watchkeeper.monitoring.checks.decide import Answer, State, decide, expiry, next_due
from watchkeeper.monitoring.checks.probes.base import Job, Outcome

NOW = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)
STATE = State(
    id=7,
    service_id=1,
    name="api",
    kind="tls",
    target="api:443",
    severity="critical",
    retries=1,
    interval_seconds=60,
    status="up",
    failures=0,
    down_since=None,
    expiry_warned_days=None,
    warn_days=(21, 7),
)


def answer(ok: bool, *, due: datetime = NOW, days_left: int | None = None) -> Answer:
    job = Job(7, "tls", "api:443", {}, 5.0, False, due, NOW)
    outcome = Outcome(ok=ok, latency_ms=3.0, error=None if ok else "boom", days_left=days_left)
    return Answer(job=job, outcome=outcome, started_at=NOW)


def test_runs_keep_their_grid_and_skip_missed_slots() -> None:
    minute = timedelta(minutes=1)
    assert next_due(NOW, minute, NOW + timedelta(seconds=1)) == NOW + minute
    assert next_due(NOW, minute, NOW + timedelta(minutes=5, seconds=1)) == NOW + 6 * minute


def test_a_failure_within_the_retries_is_retried_soon_without_an_event() -> None:
    decision = decide(STATE, answer(False), NOW)
    assert decision.events == []
    assert decision.values["status"] == "up"
    assert decision.values["next_due_at"] == NOW + timedelta(seconds=10)


def test_failures_beyond_the_retries_trigger_once_and_recovery_resolves() -> None:
    failing = replace(STATE, failures=1)
    down = decide(failing, answer(False), NOW)
    assert [e.action.value for e in down.events] == ["trigger"]
    assert down.events[0].dedup_key == "check:7"
    still = decide(replace(failing, status="down", failures=2), answer(False), NOW)
    assert still.events == []
    back = decide(replace(failing, status="down", failures=3), answer(True), NOW)
    assert [e.action.value for e in back.events] == ["resolve"]
    assert back.values["status"] == "up"


def test_a_tls_warning_is_raised_once_per_threshold_at_low_urgency() -> None:
    warned, events = expiry(STATE, 20, NOW)
    assert warned == 21
    assert [e.summary for e in events] == ["api: the TLS certificate expires in 20 days"]
    assert events[0].severity.value == "warning"
    assert expiry(replace(STATE, expiry_warned_days=21), 19, NOW) == (21, [])
    warned, events = expiry(replace(STATE, expiry_warned_days=21), 6, NOW)
    assert warned == 7
    assert [e.dedup_key for e in events] == ["check:7:expires-in-7d"]


def test_a_renewed_certificate_resolves_the_warnings() -> None:
    warned, events = expiry(replace(STATE, expiry_warned_days=7), 90, NOW)
    assert warned is None
    assert sorted(str(e.dedup_key) for e in events) == [
        "check:7:expires-in-21d",
        "check:7:expires-in-7d",
    ]
    assert {e.action.value for e in events} == {"resolve"}
