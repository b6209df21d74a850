"""Fairness across a rotation: each person's hours on call and the pages that reached
them during those hours, as pure code over shifts and page times."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from watchkeeper.analytics.load.figures import PageRow, fairness
from watchkeeper.oncall.schedules.resolver import Shift

DAY_HOURS = 24.0


@dataclass(frozen=True)
class Turn:
    user_id: int
    hours: float
    pages: int

    @property
    def pages_per_day(self) -> float:
        """Pages per 24 hours on call: the load, comparable between short and long turns."""
        return self.pages / (self.hours / DAY_HOURS) if self.hours else 0.0


@dataclass(frozen=True)
class Rotation:
    schedule_id: int
    name: str
    people: list[Turn]
    fairness: float | None


def rotation(
    schedule_id: int, name: str, shifts: Sequence[Shift], pages: Iterable[PageRow]
) -> Rotation:
    times: dict[int, list[datetime]] = {}
    for page in pages:
        times.setdefault(page.user_id, []).extend([page.at] * page.count)
    for found in times.values():
        found.sort()
    hours: dict[int, float] = {}
    paged: dict[int, int] = {}
    for shift in shifts:
        hours[shift.user_id] = (
            hours.get(shift.user_id, 0.0) + (shift.end - shift.start).total_seconds() / 3600
        )
        own = times.get(shift.user_id, [])
        inside = bisect_left(own, shift.end) - bisect_left(own, shift.start)
        paged[shift.user_id] = paged.get(shift.user_id, 0) + inside
    people = sorted(
        (Turn(user, round(hours[user], 2), paged[user]) for user in hours),
        key=lambda t: (-t.pages, t.user_id),
    )
    return Rotation(schedule_id, name, people, fairness(t.pages_per_day for t in people))
