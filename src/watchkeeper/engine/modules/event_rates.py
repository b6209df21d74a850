"""Engine module: every integration's event rate, judged by the anomaly detector."""

from __future__ import annotations

from watchkeeper.engine.protocol import CycleModule
from watchkeeper.monitoring.anomaly import cycle

MODULE = CycleModule(
    name="event_rates",
    version=1,
    interval=60.0,
    run=cycle.watch_event_rates,
    wakeable=False,
    # One engine at a time: two judging the same bucket would both insert its watch row.
    exclusive=True,
    batch_limit=cycle.BATCH,
)
