"""Engine module: scheduled drills fire; each drill's pages and acknowledgement are recorded."""

from __future__ import annotations

from watchkeeper.engine.protocol import CycleModule
from watchkeeper.response.drills import cycle

# Woken with the page path, so the incident a drill's event became is marked as a drill in
# the turn that made it; a rerun happens only after a full batch.
MODULE = CycleModule(
    name="drills", version=1, interval=1.0, run=cycle.run_once, batch_limit=cycle.BATCH
)
