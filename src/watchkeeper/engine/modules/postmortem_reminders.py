"""Engine module: remind owners of required postmortems that are due and unpublished."""

from __future__ import annotations

from watchkeeper.engine.protocol import CycleModule
from watchkeeper.response.postmortems.cycle import DueReminders
from watchkeeper.settings import Settings


def module(settings: Settings) -> CycleModule:
    rule = DueReminders(
        priorities=settings.required_postmortem_priorities,
        business_days=settings.postmortem_due_business_days,
    )
    return CycleModule(
        name="postmortem_reminders", version=1, interval=300.0, run=rule.run_once, wakeable=False
    )
