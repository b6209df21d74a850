"""One file per engine module; `build` makes the set a runner starts with."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from prometheus_client import CollectorRegistry

from watchkeeper.db.sealing import Sealer
from watchkeeper.engine.modules import (
    correlate,
    escalate,
    heartbeats,
    notify_handoff,
    notify_plan,
    notify_send,
    raw_retention,
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
) -> tuple[EngineModule, ...]:
    """Every engine module, configured from settings, metrics on `registry`. The page
    path comes in order (what makes events, correlation, escalation, planning, what
    queues messages, sending), so one pass takes an alert to a sent message."""
    return (
        heartbeats.MODULE,
        correlate.Correlate(
            registry,
            flap_changes=settings.flap_changes,
            flap_window=timedelta(minutes=settings.flap_window_minutes),
        ),
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
        statuspage.MODULE,
        session_cleanup.MODULE,
        raw_retention.RawRetention(keep=timedelta(days=settings.raw_payload_retention_days)),
    )
