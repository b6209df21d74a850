"""Engine module: start, advance and stop escalations; page whoever a due level means.

Not exclusive: on PostgreSQL several engines share the work, each claiming the rows it
works on with SKIP LOCKED, so no level fires twice. (On SQLite one engine runs it.)
"""

from __future__ import annotations

from watchkeeper.engine.protocol import CycleModule
from watchkeeper.pipeline.escalation import cycle

MODULE = CycleModule(
    name="escalate",
    version=2,
    interval=1.0,
    run=cycle.run_once,
    batch_limit=cycle.BATCH,
)
