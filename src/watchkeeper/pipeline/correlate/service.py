"""Correlation, decided event by event on a batch held in memory: an accepted event becomes
(or updates) an alert, and an alert opens, joins, acknowledges or resolves an incident.

Nothing here queries per event: `state.load` has read what the batch needs, the decisions
(route, silence, maintenance, inhibition, group, flap) are made on values, and
`writes.apply` stores the outcome with a few multi-row statements. Events are decided in
order, each seeing what the ones before it did, exactly as if they came one at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from watchkeeper.core.alert_priority import prioritise
from watchkeeper.incidents.lifecycle import OPEN, Status
from watchkeeper.incidents.record import IncidentState, Policy, new_incident
from watchkeeper.incidents.schemas import IncidentCreate, Source
from watchkeeper.incidents.service import load_policy
from watchkeeper.incidents.timeline import Actor
from watchkeeper.incidents.transitions import acknowledge_loaded, resolve_loaded
from watchkeeper.pipeline.correlate import joins
from watchkeeper.pipeline.correlate.context import Context
from watchkeeper.pipeline.correlate.models import OPEN_ALERT
from watchkeeper.pipeline.correlate.noise.evaluate import (
    Flaps,
    maintained_by,
    route,
    silenced_by,
)
from watchkeeper.pipeline.correlate.pending import Pending
from watchkeeper.pipeline.correlate.state import AlertRow, Key, Reason, Routed, State, group_key
from watchkeeper.pipeline.ingest.events import Action, NormalizedEvent

__all__ = ["OPEN_ALERT", "Decided", "Outcome", "decide", "parse"]

_OPEN = {status.value for status in OPEN}


@dataclass
class Outcome:
    """What became of one event, kept on the event row for operators."""

    kind: str  # opened, joined, repeat, suppressed, dropped, acknowledged, resolved, ignored
    text: str
    incident_id: int | None = None
    alert_id: int | None = None
    event_id: int = 0


@dataclass(slots=True)
class Decided:
    """An outcome whose text may name rows that get their ids only when written."""

    event: Pending
    kind: str
    text: Callable[[], str]
    alert: AlertRow | None = None
    incident: IncidentState | None = None

    def outcome(self) -> Outcome:
        incident_id = self.incident.id if self.incident is not None else None
        if incident_id is None and self.alert is not None:
            incident_id = self.alert.incident_id
        alert_id = self.alert.id if self.alert is not None else None
        return Outcome(self.kind, self.text(), incident_id, alert_id, self.event.id)


def parse(events: Sequence[Pending], ctx: Context) -> list[Routed]:
    """Each event's body, labels and routing decision: pure work, before any query."""
    actors: dict[int | None, Actor] = {}
    routed = []
    for event in events:
        body = NormalizedEvent.model_validate(event.body)
        labels = ctx.labels_for(body, event.service_id)
        decision = route(ctx.rules, labels)
        actor = actors.get(event.integration_id)
        if actor is None:
            name = ctx.integration_names.get(event.integration_id or 0, "alerts")
            actor = actors[event.integration_id] = Actor(None, name)
        service_id = decision.service_id or event.service_id
        routed.append(Routed(event, body, labels, decision, service_id, actor))
    return routed


def decide(
    session: Session, batch: Sequence[Routed], state: State, ctx: Context, now: datetime
) -> list[Decided]:
    """Decide every event of the batch in order. `session` is only asked for a service
    created since the context was loaded, or the priority policy when it was not."""
    return [_decide(session, routed, state, ctx, now) for routed in batch]


def _decide(session: Session, r: Routed, state: State, ctx: Context, now: datetime) -> Decided:
    if r.decision.drop:
        text = f"dropped by rule {', '.join(r.decision.matched)}"
        return Decided(r.event, "dropped", lambda: text)
    alert = state.open_alerts.get(r.key)
    action = r.body.action
    if action is Action.TRIGGER:
        return _trigger(session, r, alert, state, ctx, now)
    if alert is None:
        text = f"no open alert with this fingerprint to {action.value}"
        return Decided(r.event, "ignored", lambda: text)
    if action is Action.ACKNOWLEDGE:
        return _acknowledge(r, alert, state, now)
    alert.details = {**alert.details, **r.body.details}  # e.g. Alertmanager's ends_at
    return _resolve(session, r, alert, state, ctx, now)


def _trigger(
    session: Session,
    r: Routed,
    alert: AlertRow | None,
    state: State,
    ctx: Context,
    now: datetime,
) -> Decided:
    if alert is not None:
        _bump(alert, r, now)
        count = alert.count
        text = lambda: f"repeat of alert #{alert.id} ({count} so far)"  # noqa: E731
        return Decided(r.event, "repeat", text, alert)
    flapping = _record_flap(state, r.key, ctx, now)
    alert = _new_alert(r, flapping, now)
    state.open_alerts[r.key] = alert
    state.new_alerts.append(alert)
    reason = _suppression(r, alert, state, ctx, flapping, now)
    if reason is not None:
        alert.suppressed_reason = reason
        text = lambda: f"alert #{alert.id} suppressed: {_render(reason)}"  # noqa: E731
        return Decided(r.event, "suppressed", text, alert)
    incident, opened = _incident_for(session, r, alert, state, ctx, now)
    alert.incident = incident
    state.open_counts[incident] = state.open_counts.get(incident, 0) + 1
    if state.sources is not None:
        state.sources.add(alert)
    joins.note(state, incident, alert, opened=opened, actor=r.actor, at=now)
    verb = "opened" if opened else "joined"
    text = lambda: f"alert #{alert.id} {verb} incident #{incident.id}"  # noqa: E731
    return Decided(r.event, verb, text, alert, incident)


def _bump(alert: AlertRow, r: Routed, now: datetime) -> None:
    alert.count += 1
    alert.last_seen_at = now
    alert.last_event_id = r.event.id
    if r.body.summary:
        alert.summary = r.body.summary
    alert.details = {**alert.details, **r.body.details}
    alert.changed = True


def _new_alert(r: Routed, flapping: bool, now: datetime) -> AlertRow:
    body = r.body
    return AlertRow(
        service_id=r.service_id,
        integration_id=r.event.integration_id,
        fingerprint=r.event.fingerprint,
        status="firing",
        summary=body.summary or r.event.fingerprint,
        severity=body.severity.value,
        source=body.source,
        labels=dict(body.labels),
        details=dict(body.details),
        links=[link.model_dump() for link in body.links],
        first_seen_at=now,
        last_seen_at=now,
        count=1,
        flapping=flapping,
        last_event_id=r.event.id,
    )


def _suppression(
    r: Routed, alert: AlertRow, state: State, ctx: Context, flapping: bool, now: datetime
) -> Reason | None:
    if r.decision.suppress:
        return f"suppressed by rule {', '.join(r.decision.matched)}"
    if silence := silenced_by(ctx.silences, r.labels, r.service_id, now):
        return f"silenced by silence #{silence.id}"
    if window := maintained_by(ctx.windows, r.service_id, now):
        return f"in maintenance window {window.name!r}"
    if state.sources is not None and (hit := state.sources.inhibitor(r.labels, alert)):
        rule, source = hit
        # The source may be new in this batch: its id is known once it is written.
        return lambda: f"inhibited by alert #{source.id} (rule {rule.name!r})"
    if flapping:
        return "flapping"
    return None


def _render(reason: Reason) -> str:
    return reason if isinstance(reason, str) else reason()


def _record_flap(state: State, key: Key, ctx: Context, now: datetime) -> bool:
    flaps = state.flaps.get(key)
    if flaps is None:
        flaps = state.flaps[key] = Flaps(changes=[], flapping_since=None)
    state.touched_flaps.add(key)
    return flaps.record(now, limit=ctx.flap_changes, window=ctx.flap_window)


def _incident_for(
    session: Session, r: Routed, alert: AlertRow, state: State, ctx: Context, now: datetime
) -> tuple[IncidentState, bool]:
    """The open incident of the alert's group, or a new one; and whether it is new."""
    service = ctx.service(session, alert.service_id)
    key = None
    if service.group_by:
        key = group_key(service.group_by, r.labels)
        since = now - timedelta(minutes=service.group_window_minutes)
        for incident in reversed(state.groups.get((service.id, key), [])):
            if incident.status in _OPEN and incident.created_at >= since:
                return incident, False
    decision = r.decision
    rules = _policy(session, ctx)
    given = prioritise(
        alert.severity,
        service_impact=service.default_impact,
        rule_impact=decision.impact,
        rule_urgency=decision.urgency,
        rules=decision.matched,
        severities=rules.severities,
        matrix=rules.matrix,
    )
    data = IncidentCreate(
        title=alert.summary[:255].strip() or f"Alert on {service.name}",  # never blank
        service_id=service.id,
        description=_description(alert),
        impact=given.impact,
        urgency=given.urgency,
        category_id=decision.category_id,
        tags=list(decision.tags),
    )
    incident = new_incident(
        data,
        actor=r.actor,
        now=now,
        source=Source.ALERT,
        rules=rules,
        journal=state.entries,
        basis=given.basis,
    )
    incident.group_key = key
    state.new_incidents.append(incident)
    state.open_counts[incident] = 0
    if key is not None:
        state.groups.setdefault((service.id, key), []).append(incident)
    return incident, True


def _policy(session: Session, ctx: Context) -> Policy:
    if ctx.policy is None:
        ctx.policy = load_policy(session)
    return ctx.policy


def _description(alert: AlertRow) -> str:
    """The alert's labels and links, each part only when it has any: an empty heading
    would be the whole description, repeated in every page."""
    lines = [f"- **{name}**: {value}" for name, value in sorted(alert.labels.items())]
    links = [f"- [{link.get('text') or link['href']}]({link['href']})" for link in alert.links]
    parts = [
        "\n".join([heading, *items])
        for heading, items in (("Alert labels:", lines), ("Links:", links))
        if items
    ]
    return "\n\n".join(parts)[:20_000]


def _acknowledge(r: Routed, alert: AlertRow, state: State, now: datetime) -> Decided:
    if alert.status == "firing":
        alert.status = "acknowledged"
        alert.changed = True
    incident = state.incident_of(alert)
    if incident is not None and incident.status == Status.TRIGGERED:
        acknowledge_loaded(incident, actor=r.actor, now=now, journal=state.entries)
    text = lambda: f"alert #{alert.id} acknowledged"  # noqa: E731
    return Decided(r.event, "acknowledged", text, alert, incident)


def _resolve(
    session: Session, r: Routed, alert: AlertRow, state: State, ctx: Context, now: datetime
) -> Decided:
    alert.status = "resolved"
    alert.resolved_at = now
    alert.last_seen_at = now
    alert.changed = True
    del state.open_alerts[r.key]
    _record_flap(state, r.key, ctx, now)
    incident = state.incident_of(alert)
    if incident is None:
        return Decided(r.event, "resolved", lambda: f"alert #{alert.id} resolved", alert)
    left = state.open_counts[incident] = state.open_counts.get(incident, 1) - 1
    last = (
        left == 0
        and incident.status in _OPEN
        and ctx.service(session, incident.service_id).auto_resolve
    )
    if last:
        resolve_loaded(
            incident,
            actor=r.actor,
            now=now,
            rules=lambda: _policy(session, ctx),
            journal=state.entries,
            note="all its alerts resolved",
        )

    def text() -> str:
        said = f"alert #{alert.id} resolved"
        return said + (f"; incident #{incident.id} resolved with its last alert" if last else "")

    return Decided(r.event, "resolved", text, alert, incident)
