"""Engine module: start, advance and stop escalations; page whoever a due level means.

Exclusive: two engines must not both start or advance the same escalation.
"""

from __future__ import annotations

from watchkeeper.engine.protocol import CycleModule
from watchkeeper.pipeline.escalation import cycle

MODULE = CycleModule(
    name="escalate",
    version=1,
    interval=1.0,
    run=cycle.run_once,
    exclusive=True,
    batch_limit=cycle.BATCH,
)
