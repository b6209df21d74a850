"""Heartbeats: a job pings on success (or /start, /fail); silence past the deadline or a
reported failure becomes a trigger event, and the next success resolves it."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.core.errors import NotFound
from watchkeeper.db.claim import claim
from watchkeeper.pipeline.ingest.events import Action, NormalizedEvent, Severity
from watchkeeper.pipeline.ingest.models import Event, Heartbeat, Integration

DOWN_STATES = ("down", "failed")


def fingerprint(integration_id: int) -> str:
    return f"heartbeat:{integration_id}"


def event(integration: Integration, action: Action, summary: str, now: datetime) -> NormalizedEvent:
    return NormalizedEvent(
        action=action,
        dedup_key=fingerprint(integration.id),
        summary=summary,
        severity=Severity.CRITICAL,
        source="heartbeat",
        labels={"alertname": "HeartbeatMissed", "heartbeat": integration.name},
        occurred_at=now,
    )


def store(
    session: Session, integration: Integration, events: list[NormalizedEvent], now: datetime
) -> None:
    """Queue events for correlation in the caller's transaction."""
    session.add_all(
        Event(
            integration_id=integration.id,
            service_id=integration.service_id,
            received_at=now,
            action=e.action.value,
            fingerprint=e.fingerprint(),
            body=e.model_dump(mode="json"),
        )
        for e in events
    )


def ping(session: Session, *, integration_id: int, kind: str, now: datetime) -> Heartbeat:
    """Record a check-in: `success`, `start` or `fail`."""
    heartbeat = session.get(Heartbeat, integration_id, with_for_update=True)
    integration = session.get(Integration, integration_id)
    if heartbeat is None or integration is None:
        raise NotFound("no such heartbeat")
    period = timedelta(seconds=heartbeat.period_seconds)
    grace = timedelta(seconds=heartbeat.grace_seconds)
    events: list[NormalizedEvent] = []
    if kind == "start":
        heartbeat.last_start_at = now
        if heartbeat.status not in DOWN_STATES:
            heartbeat.status = "running"
        heartbeat.deadline_at = now + grace  # the run itself must finish within the grace
    elif kind == "fail":
        if heartbeat.status not in DOWN_STATES:
            events.append(
                event(
                    integration,
                    Action.TRIGGER,
                    f"{integration.name}: the job reported a failure",
                    now,
                )
            )
            heartbeat.down_since = now
        heartbeat.status = "failed"
        heartbeat.last_ping_at = now
        heartbeat.deadline_at = None
    else:
        if heartbeat.status in DOWN_STATES:
            events.append(
                event(integration, Action.RESOLVE, f"{integration.name}: checked in again", now)
            )
        heartbeat.status = "up"
        heartbeat.last_ping_at = now
        heartbeat.down_since = None
        heartbeat.deadline_at = now + period + grace
    store(session, integration, events, now)
    return heartbeat


def overdue(session: Session, *, now: datetime, limit: int) -> int:
    """Declare late every heartbeat whose deadline has passed; returns how many."""
    rows = session.scalars(
        claim(
            session,
            select(Heartbeat)
            .where(Heartbeat.deadline_at <= now)
            .order_by(Heartbeat.deadline_at)
            .limit(limit),
        )
    ).all()
    for heartbeat in rows:
        integration = session.get(Integration, heartbeat.integration_id)
        assert integration is not None
        summary = f"{integration.name}: {_missed(heartbeat)}"
        heartbeat.status = "down"
        heartbeat.down_since = now
        heartbeat.deadline_at = None
        if integration.revoked_at is None:
            store(session, integration, [event(integration, Action.TRIGGER, summary, now)], now)
    return len(rows)


def _missed(heartbeat: Heartbeat) -> str:
    """What went wrong: a run that started and never finished, or no check-in at all."""
    if heartbeat.status == "running" and heartbeat.last_start_at is not None:
        started, grace = _when(heartbeat.last_start_at), duration(heartbeat.grace_seconds)
        return f"the run started at {started} did not finish within its grace ({grace})"
    last, due = _when(heartbeat.last_ping_at), _when(heartbeat.deadline_at)
    return f"no check-in since {last} (due by {due})"


def duration(seconds: int) -> str:
    """`300` as "5 minutes", `5400` as "1 h 30 min": how people read a period or grace."""
    hours, minutes = divmod(seconds // 60, 60)
    if seconds % 60 or seconds < 60:
        return f"{seconds} seconds" if seconds != 1 else "1 second"
    if not hours:
        return f"{minutes} minutes" if minutes != 1 else "1 minute"
    return f"{hours} h" + (f" {minutes} min" if minutes else "")


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "it was created"
