"""Engine module: stakeholder rules and update reminders on open incidents."""

from __future__ import annotations

from functools import partial

from watchkeeper.engine.protocol import CycleModule
from watchkeeper.response.stakeholders import cycle
from watchkeeper.settings import Settings


def module(settings: Settings) -> CycleModule:
    # Minutes matter here, not milliseconds: off the page path, never woken by intake.
    run = partial(cycle.run_once, minutes=dict(settings.stakeholder_update_minutes))
    return CycleModule(
        name="stakeholder_cadence",
        version=1,
        interval=15.0,
        run=run,
        wakeable=False,
        exclusive=True,  # one engine reminds: a reminder per due time
    )
