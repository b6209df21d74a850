"""Engine module: pages become outbox messages, per each person's notification rules."""

from __future__ import annotations

from watchkeeper.engine.protocol import CycleModule
from watchkeeper.pipeline.notify import plan

MODULE = CycleModule(
    name="notify_plan", version=1, interval=1.0, run=plan.plan_pages, batch_limit=plan.BATCH
)
