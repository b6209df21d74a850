"""Engine module: remind owners of action items due soon and of overdue ones."""

from __future__ import annotations

from watchkeeper.engine.protocol import CycleModule
from watchkeeper.response.actions.cycle import ActionReminders
from watchkeeper.settings import Settings


def module(settings: Settings) -> CycleModule:
    rule = ActionReminders(days_before=settings.action_item_reminder_days)
    return CycleModule(
        name="action_reminders", version=1, interval=300.0, run=rule.run_once, wakeable=False
    )
