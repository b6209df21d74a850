"""Engine module: delete web sessions whose idle or absolute deadline has passed."""

from __future__ import annotations

from watchkeeper.catalog.access import cycle
from watchkeeper.engine.protocol import CycleModule

MODULE = CycleModule(
    name="session_cleanup", version=1, interval=60.0, run=cycle.run_once, wakeable=False
)
