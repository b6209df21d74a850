"""Engine module: component statuses follow incidents and maintenance (status pages)."""

from __future__ import annotations

from watchkeeper.engine.protocol import CycleModule
from watchkeeper.response.statuspage import cycle

# Not on the page path: a few seconds behind an incident is soon enough for a status page,
# and a wake-up per alert would only add work during a storm.
MODULE = CycleModule(name="statuspage", version=1, interval=5.0, run=cycle.run_once, wakeable=False)
