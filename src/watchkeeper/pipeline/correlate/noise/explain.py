"""The rules test: what correlation would do, right now, with a sample payload.

The sample is parsed by its format's adapter and each event is run through the same
context and pure decisions the correlator uses, in the correlator's order. Nothing is
written: no event, no alert, no flap history.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.catalog.services.models import Service
from watchkeeper.core.alert_priority import DEFAULT_SEVERITY_MAP, prioritise
from watchkeeper.core.matchers import match_all
from watchkeeper.core.priority import DEFAULT_MATRIX
from watchkeeper.pipeline.correlate import context
from watchkeeper.pipeline.correlate.context import Context
from watchkeeper.pipeline.correlate.models import Alert, FlapHistory
from watchkeeper.pipeline.correlate.noise import errors, models
from watchkeeper.pipeline.correlate.noise.evaluate import (
    Decision,
    Flaps,
    Inhibition,
    Silence,
    Window,
    inhibited_by,
    maintained_by,
    route,
    silenced_by,
)
from watchkeeper.pipeline.correlate.noise.schemas import (
    EventExplanation,
    InhibitionHit,
    RoutingOut,
    RuleHit,
    RulesTestOut,
    SampleType,
    SilenceHit,
    Verdict,
    WindowHit,
)
from watchkeeper.pipeline.correlate.service import OPEN_ALERT
from watchkeeper.pipeline.ingest.adapters import (
    Parse,
    PayloadError,
    alertmanager,
    generic,
    grafana,
    pagerduty,
)
from watchkeeper.pipeline.ingest.events import Action, NormalizedEvent

ADAPTERS: Mapping[str, Parse] = {
    "alertmanager": alertmanager.parse,
    "grafana": grafana.parse,
    "pagerduty": pagerduty.parse,
    "generic": generic.parse,
}
# A PagerDuty sample may leave out its routing key: the test knows the service already.
SAMPLE_ROUTING_KEY = "rules-test"
MAX_SOURCES = 5000  # as many open alerts as the correlator looks at for inhibition


@dataclass(frozen=True)
class Findings:
    """Everything that bears on one event's fate."""

    event: NormalizedEvent
    service_id: int
    decision: Decision
    open_alert_id: int | None
    silence: Silence | None
    window: Window | None
    inhibition: tuple[Inhibition, int] | None
    flapping: bool


def explain(
    session: Session,
    *,
    sample_type: SampleType,
    service_id: int,
    payload: Any,
    now: datetime,
    flap_changes: int = context.DEFAULT_FLAP_CHANGES,
    flap_window: timedelta = context.DEFAULT_FLAP_WINDOW,
) -> RulesTestOut:
    """Parse `payload` as `sample_type` received at `now` on `service_id`, and explain it."""
    if session.get(Service, service_id) is None:
        raise errors.unknown("service_id", "service", service_id)
    events = parse(sample_type, payload, now)
    ctx = context.load(session, now, flap_changes=flap_changes, flap_window=flap_window)
    sources = _open_sources(session) if ctx.inhibitions else []
    explained = [
        _explain_event(session, ctx, sources, index, event, service_id, now)
        for index, event in enumerate(events)
    ]
    return RulesTestOut(type=sample_type, service_id=service_id, at=now, events=explained)


def parse(sample_type: SampleType, payload: Any, now: datetime) -> list[NormalizedEvent]:
    """The events the integration would accept, or Invalid naming the payload's field."""
    if sample_type == "pagerduty" and isinstance(payload, dict) and "routing_key" not in payload:
        payload = {**payload, "routing_key": SAMPLE_ROUTING_KEY}
    try:
        return ADAPTERS[sample_type](payload, now)
    except PayloadError as exc:
        raise errors.payload_refused(exc.field, exc.message) from None


def _explain_event(
    session: Session,
    ctx: Context,
    sources: Sequence[tuple[int, Mapping[str, str]]],
    index: int,
    event: NormalizedEvent,
    received_on: int,
    now: datetime,
) -> EventExplanation:
    labels = ctx.labels_for(event, received_on)
    decision = route(ctx.rules, labels)
    service_id = decision.service_id or received_on
    open_alert_id = _open_alert_id(session, service_id, event.fingerprint())
    new_alert = event.action is Action.TRIGGER and open_alert_id is None
    found = Findings(
        event=event,
        service_id=service_id,
        decision=decision,
        open_alert_id=open_alert_id,
        silence=silenced_by(ctx.silences, labels, service_id, now),
        window=maintained_by(ctx.windows, service_id, now),
        inhibition=inhibited_by(ctx.inhibitions, labels, sources) if sources else None,
        flapping=new_alert and _would_flap(session, ctx, service_id, event.fingerprint(), now),
    )
    return _explanation(session, ctx, index, labels, found)


def _explanation(
    session: Session, ctx: Context, index: int, labels: dict[str, str], found: Findings
) -> EventExplanation:
    verdict, reason = verdict_of(found)
    event, decision = found.event, found.decision
    rules = ctx.policy
    given = prioritise(
        event.severity.value,
        service_impact=ctx.service(session, found.service_id).default_impact,
        rule_impact=decision.impact,
        rule_urgency=decision.urgency,
        rules=decision.matched,
        severities=rules.severities if rules else DEFAULT_SEVERITY_MAP,
        matrix=rules.matrix if rules else DEFAULT_MATRIX,
    )
    return EventExplanation(
        index=index,
        action=event.action.value,
        fingerprint=event.fingerprint(),
        summary=event.summary,
        severity=event.severity.value,
        labels=labels,
        routing=_routing(ctx, labels, decision, found.service_id),
        silence=_silence_hit(session, found.silence),
        maintenance_window=_window_hit(found.window),
        inhibition=_inhibition_hit(found.inhibition),
        flapping=found.flapping,
        open_alert_id=found.open_alert_id,
        impact=given.impact,
        urgency=given.urgency,
        priority=f"P{given.priority}",
        priority_basis=given.basis,
        verdict=verdict,
        reason=reason,
    )


def verdict_of(found: Findings) -> tuple[Verdict, str]:
    """The fate of the event, decided in the correlator's order."""
    rules = ", ".join(found.decision.matched)
    alert = found.open_alert_id
    if found.decision.drop:
        return "dropped", f"dropped by rule {rules}: no alert is kept"
    if found.event.action is not Action.TRIGGER:
        verb = found.event.action.value
        if alert is None:
            return "ignored", f"no open alert with this fingerprint to {verb}"
        return ("acknowledge" if verb == "acknowledge" else "resolve"), f"{verb}s alert #{alert}"
    if alert is not None:
        return "repeat", f"repeat of open alert #{alert}: counted, never pages again"
    if reason := _suppression(found):
        return "suppressed", reason
    return "page", f"opens or joins an incident on service {found.service_id}"


def _suppression(found: Findings) -> str | None:
    if found.decision.suppress:
        return f"suppressed by rule {', '.join(found.decision.matched)}"
    if found.silence:
        return f"silenced by silence #{found.silence.id}"
    if found.window:
        return f"in maintenance window {found.window.name!r}"
    if found.inhibition:
        rule, source_id = found.inhibition
        return f"inhibited by alert #{source_id} (rule {rule.name!r})"
    return "flapping" if found.flapping else None


def _routing(
    ctx: Context, labels: Mapping[str, str], decision: Decision, service_id: int
) -> RoutingOut:
    # Rules apply in order until one ends matching, so the applied ones lead the matching ones.
    matching = [rule for rule in ctx.rules if match_all(rule.matchers, labels)]
    applied = len(decision.matched)
    return RoutingOut(
        rules=[RuleHit.model_validate(rule) for rule in matching[:applied]],
        unreached=[RuleHit.model_validate(rule) for rule in matching[applied:]],
        service_id=service_id,
        impact=decision.impact,
        urgency=decision.urgency,
        category_id=decision.category_id,
        tags=list(decision.tags),
        drop=decision.drop,
        suppress=decision.suppress,
    )


def _silence_hit(session: Session, silence: Silence | None) -> SilenceHit | None:
    if silence is None:
        return None
    row = session.get(models.Silence, silence.id)
    return SilenceHit(id=silence.id, comment=row.comment if row else "", ends_at=silence.ends_at)


def _window_hit(window: Window | None) -> WindowHit | None:
    return WindowHit(id=window.id, name=window.name) if window else None


def _inhibition_hit(hit: tuple[Inhibition, int] | None) -> InhibitionHit | None:
    if hit is None:
        return None
    rule, source_id = hit
    return InhibitionHit(rule_id=rule.id, rule_name=rule.name, source_alert_id=source_id)


def _open_alert_id(session: Session, service_id: int, fingerprint: str) -> int | None:
    return session.scalar(
        select(Alert.id).where(
            Alert.service_id == service_id,
            Alert.fingerprint == fingerprint,
            Alert.status.in_(OPEN_ALERT),
        )
    )


def _open_sources(session: Session) -> list[tuple[int, Mapping[str, str]]]:
    """Open alerts that page (suppressed ones inhibit nothing), as the correlator reads them."""
    stmt = select(Alert.id, Alert.labels).where(
        Alert.status.in_(OPEN_ALERT), Alert.suppressed_reason.is_(None)
    )
    return [(row[0], row[1]) for row in session.execute(stmt.limit(MAX_SOURCES))]


def _would_flap(
    session: Session, ctx: Context, service_id: int, fingerprint: str, now: datetime
) -> bool:
    """Whether a new alert now would be flapping; the history is read, never changed."""
    history = session.get(FlapHistory, (service_id, fingerprint))
    if history is None:
        return Flaps(changes=[]).record(now, limit=ctx.flap_changes, window=ctx.flap_window)
    flaps = Flaps(
        changes=[datetime.fromisoformat(moment) for moment in history.changes],
        flapping_since=history.flapping_since,
    )
    return flaps.record(now, limit=ctx.flap_changes, window=ctx.flap_window)
