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
    correlate,
    escalate,
    event_rates,
    heartbeats,
    notify_handoff,
    notify_plan,
    notify_send,
    postmortem_reminders,
    raw_retention,
    recurrence,
    response_plans,
    session_cleanup,
    sla_clocks,
    statuspage,
)
from watchkeeper.engine.protocol import EngineModule
from watchkeeper.pipeline.notify.channels.base import Channel
from watchkeeper.pipeline.notify.links import Linker
from watchkeeper.settings import Settings


def build(
    registry: CollectorRegistry,
    settings: Settings,
    *,
    channels: Mapping[str, Channel],
    linker: Linker,
    sealer: Sealer,
    notify_workers: int = 16,
    prober: checks.Probe | None = None,
    clock: Clock | None = None,
    check_workers: int | None = None,
) -> tuple[EngineModule, ...]:
    """Every engine module, configured from settings, metrics on `registry`. The page
    path comes in order (what makes events, correlation, escalation, planning, what
    queues messages, sending), so one pass takes an alert to a sent message. Synthetic
    checks run when a `prober` (and the `clock` their runs are timed by) is given."""
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
        postmortem_reminders.module(settings),
        action_reminders.module(settings),
        statuspage.MODULE,
        session_cleanup.MODULE,
        raw_retention.RawRetention(keep=timedelta(days=settings.raw_payload_retention_days)),
        audit_retention.AuditRetention(keep=timedelta(days=settings.audit_retention_days)),
    )
