"""Engine entry: every integration's event rate, judged once per completed bucket; a rate
that is anomalous (a sudden silence too) becomes a low-urgency trigger event through the
normal pipeline, and the next normal bucket resolves it."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import ColumnElement, Integer, cast, func, insert, select, update
from sqlalchemy.orm import Session

from watchkeeper.monitoring.anomaly import rates
from watchkeeper.monitoring.anomaly.models import RateWatch
from watchkeeper.pipeline.ingest.events import Action, NormalizedEvent, Severity
from watchkeeper.pipeline.ingest.models import Event, Integration

BATCH = 100
PREFIX = "event-rate:"
# Heartbeats have their own deadline watch; a rate of check-ins says nothing more.
UNWATCHED_TYPES = ("heartbeat",)


def fingerprint(integration_id: int) -> str:
    return f"{PREFIX}{integration_id}"


def watch_event_rates(session: Session, now: datetime) -> int:
    """Judge up to BATCH integrations whose last completed bucket is not judged yet: three
    reads (watches, integrations, counts per bucket) and three bulk writes."""
    end = rates.floor(now)
    watches = {w.integration_id: w for w in session.scalars(select(RateWatch))}
    integrations = [
        i
        for i in session.scalars(
            select(Integration)
            .where(Integration.revoked_at.is_(None), Integration.type.not_in(UNWATCHED_TYPES))
            .order_by(Integration.id)
        )
        if i.id not in watches or watches[i.id].checked_until < end
    ][:BATCH]
    if not integrations:
        return 0
    since = end - rates.LOOKBACK
    per_bucket: dict[int, dict[int, int]] = defaultdict(dict)
    last_event: dict[int, datetime] = {}
    bucket = _bucket_number(session)
    rows = session.execute(
        select(Event.integration_id, bucket, func.count(), func.max(Event.received_at))
        .where(
            Event.integration_id.in_([i.id for i in integrations]),
            Event.received_at >= since,
            Event.received_at < end,
            Event.fingerprint.not_like(f"{PREFIX}%"),
        )
        .group_by(Event.integration_id, bucket)
    )
    for integration_id, number, count, latest in rows:
        if integration_id is None:
            continue
        per_bucket[integration_id][int(number)] = int(count)
        if integration_id not in last_event or latest > last_event[integration_id]:
            last_event[integration_id] = latest
    events: list[dict[str, object]] = []
    new: list[dict[str, object]] = []
    changed: list[dict[str, object]] = []
    for integration in integrations:
        start = max(since, rates.floor(integration.created_at))
        if start >= end:
            continue
        verdict = rates.judge(
            integration.name,
            rates.spread(per_bucket[integration.id], start=start, end=end),
            start=start,
            last_event=last_event.get(integration.id),
        )
        watch = watches.get(integration.id)
        alerting = watch.alerting if watch else False
        score = verdict.score
        if not alerting and score >= rates.ALERT:
            events.append(_event(integration, Action.TRIGGER, verdict.reason, now))
            alerting = True
        elif alerting and score < rates.CLEAR:
            events.append(_event(integration, Action.RESOLVE, verdict.reason, now))
            alerting = False
        row = {"checked_until": end, "alerting": alerting, "score": score}
        if watch is None:
            new.append({"integration_id": integration.id, **row})
        else:
            changed.append({"integration_id": integration.id, **row})
    if events:
        session.execute(insert(Event), events)
    if new:
        session.execute(insert(RateWatch), new)
    if changed:
        session.execute(update(RateWatch), changed)
    # Integrations created inside the current bucket are not judged yet: counting them would
    # report work on every run until their first bucket completes.
    return len(new) + len(changed)


def _bucket_number(session: Session) -> ColumnElement[int]:
    """Seconds since the epoch // bucket width, computed by the database: one row per bucket
    comes back, however many events a storm brought."""
    width = int(rates.BUCKET.total_seconds())
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.floor(func.extract("epoch", Event.received_at) / width), Integer)
    # SQLite keeps the time as naive UTC text.
    return cast(func.strftime("%s", Event.received_at), Integer) // width


def _event(
    integration: Integration, action: Action, reason: str, now: datetime
) -> dict[str, object]:
    normalized = NormalizedEvent(
        action=action,
        dedup_key=fingerprint(integration.id),
        summary=reason,
        severity=Severity.WARNING,
        source="anomaly",
        labels={"alertname": "EventRateAnomaly", "integration": integration.name},
        occurred_at=now,
    )
    return {
        "integration_id": integration.id,
        "service_id": integration.service_id,
        "received_at": now,
        "action": action.value,
        "fingerprint": normalized.fingerprint(),
        "body": normalized.model_dump(mode="json"),
    }
