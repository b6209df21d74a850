"""Pure decisions on one finished run: the check's new state, when it runs next, and the
events it raises (down, recovered, a certificate nearing expiry). No database here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from watchkeeper.monitoring.checks.probes.base import Job, Outcome
from watchkeeper.pipeline.ingest.events import Action, NormalizedEvent, Severity

# A failed run is tried again this soon (not a whole interval later) while retries last.
RETRY_AFTER = timedelta(seconds=10)


def fingerprint(check_id: int) -> str:
    return f"check:{check_id}"


def expiry_fingerprint(check_id: int, days: int) -> str:
    return f"check:{check_id}:expires-in-{days}d"


@dataclass(frozen=True)
class Answer:
    """A probe's outcome, with when it really started (after waiting for a thread)."""

    job: Job
    outcome: Outcome
    started_at: datetime


@dataclass(frozen=True)
class State:
    """What settling needs of a check, read in one query for the whole batch."""

    id: int
    service_id: int
    name: str
    kind: str
    target: str
    severity: str
    retries: int
    interval_seconds: int
    status: str
    failures: int
    down_since: datetime | None
    expiry_warned_days: int | None
    warn_days: tuple[int, ...]


@dataclass(frozen=True)
class Decision:
    values: dict[str, Any]  # the check's columns to update
    events: list[NormalizedEvent]


def next_due(due_at: datetime, interval: timedelta, now: datetime) -> datetime:
    """The next slot on the check's own grid: runs keep their rhythm, and slots missed
    (the engine was down) are skipped, not caught up in a burst."""
    following = due_at + interval
    if following <= now:
        following += interval * ((now - following) // interval + 1)
    return following


def decide(state: State, answer: Answer, now: datetime) -> Decision:
    outcome, started = answer.outcome, answer.started_at
    interval = timedelta(seconds=state.interval_seconds)
    failures = 0 if outcome.ok else state.failures + 1
    status, down_since, events = state.status, state.down_since, []
    if outcome.ok:
        if state.status == "down":
            events.append(event(state, Action.RESOLVE, f"{state.name}: recovered", now))
        status, down_since = "up", None
    elif state.status != "down" and failures > state.retries:
        status, down_since = "down", started
        summary = f"{state.name}: {outcome.error or 'failed'}"
        events.append(event(state, Action.TRIGGER, summary, now, outcome))
    due = next_due(answer.job.due_at, interval, now)
    if not outcome.ok and status != "down":
        due = min(due, started + RETRY_AFTER)  # a retry, sooner than the next slot
    warned, warnings = expiry(state, outcome.days_left, now)
    values = {
        "id": state.id,
        "status": status,
        "failures": failures,
        "down_since": down_since,
        "last_run_at": started,
        "last_latency_ms": outcome.latency_ms,
        "last_error": outcome.error,
        "next_due_at": due,
        "claimed_until": None,
        "expiry_warned_days": warned,
    }
    return Decision(values=values, events=events + warnings)


def expiry(
    state: State, days_left: int | None, now: datetime
) -> tuple[int | None, list[NormalizedEvent]]:
    """TLS warnings: each threshold crossed raises one low-urgency alert, once; a renewed
    certificate (more days than every threshold) resolves them."""
    warned = state.expiry_warned_days
    if days_left is None or not state.warn_days:
        return warned, []
    crossed = [days for days in state.warn_days if days_left <= days]
    if crossed:
        least = min(crossed)
        if warned is not None and warned <= least:
            return warned, []
        summary = f"{state.name}: the TLS certificate expires in {days_left} days"
        warning = event(state, Action.TRIGGER, summary, now, severity=Severity.WARNING)
        return least, [
            warning.model_copy(update={"dedup_key": expiry_fingerprint(state.id, least)})
        ]
    if warned is None:
        return None, []
    resolved = [
        event(state, Action.RESOLVE, f"{state.name}: the certificate was renewed", now).model_copy(
            update={"dedup_key": expiry_fingerprint(state.id, days)}
        )
        for days in state.warn_days
        if days >= warned
    ]
    return None, resolved


def event(
    state: State,
    action: Action,
    summary: str,
    now: datetime,
    outcome: Outcome | None = None,
    severity: Severity | None = None,
) -> NormalizedEvent:
    details: dict[str, Any] = {"check_id": state.id, "kind": state.kind, "target": state.target}
    if outcome is not None:
        details.update(error=outcome.error, latency_ms=outcome.latency_ms)
    alertname = "CertificateExpiring" if severity is Severity.WARNING else "CheckFailed"
    return NormalizedEvent(
        action=action,
        dedup_key=fingerprint(state.id),
        summary=summary[:1024],
        severity=severity or Severity(state.severity),
        source="check",
        labels={
            "alertname": alertname,
            "check": state.name,
            "check_kind": state.kind,
            "severity": (severity or Severity(state.severity)).value,
        },
        details=details,
        occurred_at=now,
    )
