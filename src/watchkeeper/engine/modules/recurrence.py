"""Engine module: a new incident that looks like a recent one (or a known error) says so.

Wakeable and right after correlation, so the warning is on the timeline before the
incident's first page is sent in the same turn."""

from __future__ import annotations

from watchkeeper.engine.protocol import CycleModule
from watchkeeper.response.recurrence import cycle

MODULE = CycleModule(
    name="recurrence", version=1, interval=1.0, run=cycle.check, batch_limit=cycle.BATCH
)
