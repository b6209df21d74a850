"""One file per engine module; `build` makes the set a runner starts with."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from prometheus_client import CollectorRegistry

from watchkeeper.core.clock import Clock
from watchkeeper.db.sealing import Sealer
from watchkeeper.engine.modules import (
    action_reminders,
    audit_retention,
    check_retention,
    checks,
    comms_send,
    correlate,
    drills,
    escalate,
    event_rates,
    heartbeats,
    notify_handoff,
    notify_plan,
    notify_send,
    postmortem_reminders,
    raw_retention,
    readiness_digest,
    recurrence,
    response_plans,
    session_cleanup,
    sla_clocks,
    stakeholder_cadence,
    statuspage,
    subscriber_fanout,
    suggestions,
    weekly_digest,
    workflow_calls,
    workflows,
)
from watchkeeper.engine.protocol import EngineModule
from watchkeeper.pipeline.notify.channels.base import Channel
from watchkeeper.pipeline.notify.channels.guard import OutboundGuard
from watchkeeper.pipeline.notify.links import Linker
from watchkeeper.response.workflows.calls import Caller
from watchkeeper.settings import Settings


def build(
    registry: CollectorRegistry,
    settings: Settings,
    *,
    channels: Mapping[str, Channel],
    linker: Linker,
    sealer: Sealer,
    notify_workers: int = 16,
    comms_workers: int = 4,
    prober: checks.Probe | None = None,
    clock: Clock | None = None,
    check_workers: int | None = None,
    train_in_background: bool = True,
) -> tuple[EngineModule, ...]:
    """Every engine module, configured from settings, metrics on `registry`. The page
    path comes in order (what makes events, correlation, escalation, planning, what
    queues messages, sending), so one pass takes an alert to a sent message. Synthetic
    checks run when a `prober` (and the `clock` their runs are timed by) is given;
    the suggestion model trains on a thread unless `train_in_background` is off (tests)."""
    synthetic: tuple[EngineModule, ...] = ()
    if prober is not None:
        assert clock is not None, "checks are timed by the engine's clock"
        workers = settings.check_workers if check_workers is None else check_workers
        synthetic = (
            checks.Checks(registry, probe=prober, clock=clock, workers=workers),
            check_retention.CheckRetention(
                results=timedelta(days=settings.check_result_retention_days),
                rollups=timedelta(days=settings.check_rollup_retention_days),
            ),
        )
    return (
        heartbeats.MODULE,
        *synthetic,
        event_rates.MODULE,
        correlate.Correlate(
            registry,
            flap_changes=settings.flap_changes,
            flap_window=timedelta(minutes=settings.flap_window_minutes),
        ),
        # Right after correlation: a drill's incident is known as one before anything
        # later in the turn (workflows, status pages) looks at it.
        drills.MODULE,
        recurrence.MODULE,
        response_plans.MODULE,
        escalate.MODULE,
        notify_plan.MODULE,
        notify_handoff.MODULE,
        notify_send.NotifySend(
            registry,
            channels=channels,
            linker=linker,
            sealer=sealer,
            throttle=timedelta(seconds=settings.notify_throttle_seconds),
            workers=notify_workers,
        ),
        sla_clocks.SlaClocks(registry),
        # After the page is sent: a suggestion never delays one.
        suggestions.Suggestions(
            retrain_every=timedelta(minutes=settings.suggest_retrain_minutes),
            auto_apply=settings.suggest_auto_apply_confidence,
            background=train_in_background,
        ),
        postmortem_reminders.module(settings),
        action_reminders.module(settings),
        weekly_digest.module(settings),
        readiness_digest.module(settings),
        statuspage.MODULE,
        workflows.Workflows(base_url=settings.resolved_base_url),
        workflow_calls.WorkflowCalls(
            caller=Caller(OutboundGuard(settings.outbound_allow)),
            sealer=sealer,
            workers=min(notify_workers, 4),
        ),
        # Communication: its own queue and senders, after the page path (see comms_send).
        stakeholder_cadence.module(settings),
        subscriber_fanout.SubscriberFanout(base_url=settings.resolved_base_url),
        comms_send.CommsSend(registry, channels=channels, sealer=sealer, workers=comms_workers),
        session_cleanup.MODULE,
        raw_retention.RawRetention(keep=timedelta(days=settings.raw_payload_retention_days)),
        audit_retention.AuditRetention(keep=timedelta(days=settings.audit_retention_days)),
    )
