"""Engine module: response plans attach to incidents that open or change service,
category or priority; their steps become the incident's tasks.

Wakeable and right after correlation, so a new incident's first page already carries
the plan. Exclusive: a plan's steps are copied once, by one engine."""

from __future__ import annotations

from watchkeeper.engine.protocol import CycleModule
from watchkeeper.response.plans import cycle

MODULE = CycleModule(
    name="response_plans",
    version=1,
    interval=1.0,
    run=cycle.run_once,
    exclusive=True,
    batch_limit=cycle.BATCH,
)
