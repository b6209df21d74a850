"""Engine module: scheduled drills fire; each drill's pages and acknowledgement are recorded."""

from __future__ import annotations

from watchkeeper.engine.protocol import CycleModule
from watchkeeper.response.drills import cycle

# A drill is timed in seconds, not milliseconds: every few seconds is soon enough, and a
# rerun happens only after a full batch.
MODULE = CycleModule(
    name="drills", version=1, interval=2.0, run=cycle.run_once, batch_limit=cycle.BATCH
)
