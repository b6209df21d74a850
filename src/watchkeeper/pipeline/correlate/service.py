"""Correlation: an accepted event becomes (or updates) an alert, and an alert opens,
joins, acknowledges or resolves an incident. Callers own the transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from watchkeeper.catalog.services.models import Service
from watchkeeper.db.upsert import insert_for
from watchkeeper.incidents import service as incidents
from watchkeeper.incidents import transitions
from watchkeeper.incidents.lifecycle import OPEN, Status
from watchkeeper.incidents.models import Incident
from watchkeeper.incidents.schemas import IncidentCreate, Source
from watchkeeper.incidents.timeline import Actor, record
from watchkeeper.pipeline.correlate.context import Context
from watchkeeper.pipeline.correlate.models import Alert, FlapHistory
from watchkeeper.pipeline.correlate.noise.evaluate import (
    Decision,
    Flaps,
    inhibited_by,
    maintained_by,
    route,
    silenced_by,
)
from watchkeeper.pipeline.ingest.events import Action, NormalizedEvent, Severity
from watchkeeper.pipeline.ingest.models import Event

OPEN_PREDICATE = text("status != 'resolved'")
URGENCY_OF = {Severity.CRITICAL: 1, Severity.ERROR: 2, Severity.WARNING: 3, Severity.INFO: 4}
DEFAULT_IMPACT = 3
OPEN_ALERT = ("firing", "acknowledged")


@dataclass
class Outcome:
    """What became of one event, kept on the event row for operators."""

    kind: str  # opened, joined, repeat, suppressed, dropped, acknowledged, resolved, ignored
    text: str
    incident_id: int | None = None
    alert_id: int | None = None


def correlate(session: Session, event: Event, ctx: Context, now: datetime) -> Outcome:
    body = NormalizedEvent.model_validate(event.body)
    labels = ctx.labels_for(body, event.service_id)
    decision = route(ctx.rules, labels)
    if decision.drop:
        return Outcome("dropped", f"dropped by rule {', '.join(decision.matched)}")
    service_id = decision.service_id or event.service_id
    actor = Actor(None, ctx.integration_names.get(event.integration_id or 0, "alerts"))
    alert = _open_alert(session, service_id, event.fingerprint)
    if body.action is Action.TRIGGER:
        return _trigger(session, event, body, alert, service_id, decision, labels, ctx, actor, now)
    if alert is None:
        return Outcome("ignored", f"no open alert with this fingerprint to {body.action.value}")
    if body.action is Action.ACKNOWLEDGE:
        return _acknowledge(session, alert, actor, now)
    alert.details = {**alert.details, **body.details}  # e.g. Alertmanager's ends_at
    return _resolve(session, alert, ctx, actor, now)


def _open_alert(session: Session, service_id: int, fingerprint: str) -> Alert | None:
    # `status != 'resolved'` is the predicate of the partial unique index, so it is used.
    return session.scalar(
        select(Alert).where(
            Alert.service_id == service_id,
            Alert.fingerprint == fingerprint,
            Alert.status != "resolved",
        )
    )


def _trigger(
    session: Session,
    event: Event,
    body: NormalizedEvent,
    alert: Alert | None,
    service_id: int,
    decision: Decision,
    labels: dict[str, str],
    ctx: Context,
    actor: Actor,
    now: datetime,
) -> Outcome:
    if alert is not None:
        _bump(alert, body, event, now)
        text = f"repeat of alert #{alert.id} ({alert.count} so far)"
        return Outcome("repeat", text, alert.incident_id, alert.id)
    flapping = _record_flap(session, service_id, event.fingerprint, ctx, now)
    alert_id = session.scalar(
        insert_for(session, Alert)
        .values(
            service_id=service_id,
            integration_id=event.integration_id,
            fingerprint=event.fingerprint,
            status="firing",
            summary=body.summary or event.fingerprint,
            severity=body.severity.value,
            source=body.source,
            labels=dict(body.labels),
            details=dict(body.details),
            links=[link.model_dump() for link in body.links],
            first_seen_at=now,
            last_seen_at=now,
            count=1,
            flapping=flapping,
            last_event_id=event.id,
        )
        # The partial unique index on open alerts decides; on a clash nothing is inserted.
        .on_conflict_do_nothing(
            index_elements=["service_id", "fingerprint"], index_where=OPEN_PREDICATE
        )
        .returning(Alert.id)
    )
    if alert_id is None:
        existing = _open_alert(session, service_id, event.fingerprint)
        assert existing is not None, "the unique index refused an alert that is not open"
        _bump(existing, body, event, now)
        text_ = f"repeat of alert #{existing.id}"
        return Outcome("repeat", text_, existing.incident_id, existing.id)
    alert = session.get(Alert, alert_id)
    assert alert is not None
    reason = _suppression(decision, labels, alert.id, ctx, flapping, now, session, service_id)
    if reason:
        alert.suppressed_reason = reason[:255]
        return Outcome("suppressed", f"alert #{alert.id} suppressed: {reason}", None, alert.id)
    incident, opened = _incident_for(session, alert, labels, decision, ctx, actor, now)
    alert.incident_id = incident.id
    record(
        session,
        incident_id=incident.id,
        kind="alert",
        summary=f"alert #{alert.id} {'opened it' if opened else 'joined'}: {alert.summary}",
        actor=actor,
        at=now,
        data={"alert_id": alert.id, "fingerprint": alert.fingerprint},
    )
    verb = "opened" if opened else "joined"
    return Outcome(verb, f"alert #{alert.id} {verb} incident #{incident.id}", incident.id, alert.id)


def _bump(alert: Alert, body: NormalizedEvent, event: Event, now: datetime) -> None:
    alert.count += 1
    alert.last_seen_at = now
    alert.last_event_id = event.id
    if body.summary:
        alert.summary = body.summary
    alert.details = {**alert.details, **body.details}


def _suppression(
    decision: Decision,
    labels: dict[str, str],
    alert_id: int,
    ctx: Context,
    flapping: bool,
    now: datetime,
    session: Session,
    service_id: int,
) -> str | None:
    if decision.suppress:
        return f"suppressed by rule {', '.join(decision.matched)}"
    if silence := silenced_by(ctx.silences, labels, service_id, now):
        return f"silenced by silence #{silence.id}"
    if window := maintained_by(ctx.windows, service_id, now):
        return f"in maintenance window {window.name!r}"
    if ctx.inhibitions:
        sources = [s for s in _open_labels(session, ctx) if s[0] != alert_id]
        if hit := inhibited_by(ctx.inhibitions, labels, sources):
            rule, source_id = hit
            return f"inhibited by alert #{source_id} (rule {rule.name!r})"
    if flapping:
        return "flapping"
    return None


def _open_labels(session: Session, ctx: Context) -> Sequence[tuple[int, dict[str, str]]]:
    """Open, paging alerts as inhibition sources, labelled as matchers see new alerts."""
    stmt = select(Alert).where(Alert.status != "resolved", Alert.suppressed_reason.is_(None))
    return [(alert.id, ctx.alert_labels(alert)) for alert in session.scalars(stmt.limit(5000))]


def _record_flap(
    session: Session, service_id: int, fingerprint: str, ctx: Context, now: datetime
) -> bool:
    history = session.get(FlapHistory, (service_id, fingerprint))
    if history is None:
        history = FlapHistory(
            service_id=service_id, fingerprint=fingerprint, changes=[], flapping_since=None
        )
        session.add(history)
    flaps = Flaps(
        changes=[datetime.fromisoformat(moment) for moment in history.changes],
        flapping_since=history.flapping_since,
    )
    flapping = flaps.record(now, limit=ctx.flap_changes, window=ctx.flap_window)
    history.changes = [moment.isoformat() for moment in flaps.changes]
    history.flapping_since = flaps.flapping_since
    return flapping


def _incident_for(
    session: Session,
    alert: Alert,
    labels: dict[str, str],
    decision: Decision,
    ctx: Context,
    actor: Actor,
    now: datetime,
) -> tuple[Incident, bool]:
    """The open incident of the alert's group, or a new one; and whether it is new."""
    service = ctx.service(session, alert.service_id)
    group_key = None
    if service.group_by:
        group_key = "|".join(f"{name}={labels.get(name, '')}" for name in service.group_by)[:255]
        since = now - timedelta(minutes=service.group_window_minutes)
        joined = session.scalar(
            select(Incident)
            .where(
                Incident.service_id == service.id,
                Incident.group_key == group_key,
                Incident.status.in_([s.value for s in OPEN]),
                Incident.created_at >= since,
            )
            .order_by(Incident.id.desc())
            .limit(1)
        )
        if joined is not None:
            return joined, False
    data = IncidentCreate(
        title=alert.summary[:255] or f"Alert on {service.name}",
        service_id=service.id,
        description=_description(alert),
        impact=decision.impact or DEFAULT_IMPACT,
        urgency=decision.urgency or URGENCY_OF[Severity(alert.severity)],
        category_id=decision.category_id,
        tags=list(decision.tags),
    )
    incident = incidents.create(
        session, data=data, actor=actor, now=now, source=Source.ALERT, rules=ctx.policy
    )
    incident.group_key = group_key
    return incident, True


def _description(alert: Alert) -> str:
    lines = [f"- **{name}**: {value}" for name, value in sorted(alert.labels.items())]
    links = [f"- [{link.get('text') or link['href']}]({link['href']})" for link in alert.links]
    parts = ["Alert labels:", *lines]
    if links:
        parts += ["", "Links:", *links]
    return "\n".join(parts)[:20_000]


def _acknowledge(session: Session, alert: Alert, actor: Actor, now: datetime) -> Outcome:
    if alert.status == "firing":
        alert.status = "acknowledged"
    incident = session.get(Incident, alert.incident_id) if alert.incident_id else None
    if incident is not None and incident.status == Status.TRIGGERED:
        transitions.acknowledge(session, incident_id=incident.id, actor=actor, now=now)
    return Outcome("acknowledged", f"alert #{alert.id} acknowledged", alert.incident_id, alert.id)


def _resolve(session: Session, alert: Alert, ctx: Context, actor: Actor, now: datetime) -> Outcome:
    alert.status = "resolved"
    alert.resolved_at = now
    alert.last_seen_at = now
    _record_flap(session, alert.service_id, alert.fingerprint, ctx, now)
    incident = session.get(Incident, alert.incident_id) if alert.incident_id else None
    text = f"alert #{alert.id} resolved"
    if incident is None or incident.status not in OPEN:
        return Outcome("resolved", text, alert.incident_id, alert.id)
    session.flush()  # the query below must see this alert resolved
    still_open = session.scalar(
        select(Alert.id)
        .where(Alert.incident_id == incident.id, Alert.status.in_(OPEN_ALERT))
        .limit(1)
    )
    if still_open is None and ctx.service(session, incident.service_id).auto_resolve:
        transitions.resolve(
            session,
            incident_id=incident.id,
            actor=actor,
            now=now,
            note="all its alerts resolved",
        )
        text += f"; incident #{incident.id} resolved with its last alert"
    return Outcome("resolved", text, incident.id, alert.id)


def services_by_id(session: Session) -> dict[int, Service]:
    return {service.id: service for service in session.scalars(select(Service))}
