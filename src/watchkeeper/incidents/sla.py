"""SLA clocks, as pure functions of an incident's times and its targets.

Two clocks run from creation: time to acknowledge and time to resolve. The resolve clock
pauses while the incident is on hold (waiting on a third party) and while it is resolved
(a reopened incident continues where it stopped). A target is met when its event comes
by the due time, breached otherwise; a warning is due at 80% of the target.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

WARN_AT = 0.8

DEFAULT_TARGETS: dict[int, tuple[timedelta, timedelta]] = {
    1: (timedelta(minutes=5), timedelta(hours=4)),
    2: (timedelta(minutes=15), timedelta(hours=8)),
    3: (timedelta(hours=1), timedelta(hours=24)),
    4: (timedelta(hours=4), timedelta(days=3)),
    5: (timedelta(days=1), timedelta(days=5)),
}


class ClockState(enum.StrEnum):
    PENDING = "pending"
    MET = "met"
    BREACHED = "breached"


@dataclass(frozen=True)
class Deadlines:
    due_at: datetime
    warn_at: datetime


def deadlines(start: datetime, target: timedelta, paused: timedelta = timedelta(0)) -> Deadlines:
    """When a clock that started at `start` and was paused for `paused` is due, and warns."""
    return Deadlines(due_at=start + paused + target, warn_at=start + paused + target * WARN_AT)


def outcome(due_at: datetime, at: datetime) -> ClockState:
    """The verdict on a clock whose event happened at `at`."""
    return ClockState.MET if at <= due_at else ClockState.BREACHED


@dataclass(frozen=True)
class ClockView:
    """What a person sees of one clock: due time, time left, and the verdict so far."""

    target: timedelta
    due_at: datetime
    state: ClockState
    paused: bool
    left: timedelta | None  # None once met or breached

    @property
    def overdue(self) -> bool:
        return self.left is not None and self.left < timedelta(0)


def view(
    *,
    target: timedelta,
    due_at: datetime,
    state: ClockState,
    paused_since: datetime | None,
    now: datetime,
) -> ClockView:
    """A clock as shown; while paused, the time left stops where the pause began."""
    if state is not ClockState.PENDING:
        return ClockView(target, due_at, state, paused=False, left=None)
    reference = paused_since or now
    return ClockView(
        target, due_at, state, paused=paused_since is not None, left=due_at - reference
    )
