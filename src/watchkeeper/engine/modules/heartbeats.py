"""Engine module: heartbeats whose deadline passed become trigger events."""

from __future__ import annotations

from watchkeeper.engine.protocol import CycleModule
from watchkeeper.pipeline.ingest import cycle

MODULE = CycleModule(
    name="heartbeats", version=1, interval=1.0, run=cycle.check_heartbeats, wakeable=False
)
