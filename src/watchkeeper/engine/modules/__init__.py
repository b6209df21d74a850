"""One file per engine module; `build` makes the set a runner starts with."""

from __future__ import annotations

from datetime import timedelta

from prometheus_client import CollectorRegistry

from watchkeeper.engine.modules import (
    correlate,
    heartbeats,
    raw_retention,
    session_cleanup,
    sla_clocks,
)
from watchkeeper.engine.protocol import EngineModule
from watchkeeper.settings import Settings


def build(registry: CollectorRegistry, settings: Settings) -> tuple[EngineModule, ...]:
    """Every engine module, configured from settings, metrics on `registry`."""
    return (
        correlate.Correlate(
            registry,
            flap_changes=settings.flap_changes,
            flap_window=timedelta(minutes=settings.flap_window_minutes),
        ),
        heartbeats.MODULE,
        sla_clocks.SlaClocks(registry),
        session_cleanup.MODULE,
        raw_retention.RawRetention(keep=timedelta(days=settings.raw_payload_retention_days)),
    )
