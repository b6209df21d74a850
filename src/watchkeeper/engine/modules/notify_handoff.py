"""Engine module: tell people whose on-call shift just started (if they asked to be)."""

from __future__ import annotations

from watchkeeper.engine.protocol import CycleModule
from watchkeeper.pipeline.notify import handoff

MODULE = CycleModule(
    name="notify_handoff", version=1, interval=30.0, run=handoff.announce, wakeable=False
)
