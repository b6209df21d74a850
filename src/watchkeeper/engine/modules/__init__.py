"""One file per engine module; `build` makes the set a runner starts with."""

from __future__ import annotations

from prometheus_client import CollectorRegistry

from watchkeeper.engine.modules import session_cleanup, sla_clocks
from watchkeeper.engine.protocol import EngineModule


def build(registry: CollectorRegistry) -> tuple[EngineModule, ...]:
    """Every engine module, with its metrics registered on `registry`."""
    return (session_cleanup.MODULE, sla_clocks.SlaClocks(registry))
