"""Local wall times in an IANA zone to UTC instants, defined for every wall time.

Schedules are written in wall time ("hand off at 09:00 Europe/Berlin"), but a wall time
names no instant or two of them on the days clocks change. The rules, used everywhere:

- a wall time that happens twice (clocks go back) means its first occurrence;
- a wall time that never happens (clocks jump forward) means the first instant after the
  jump, i.e. the moment of the change itself: 02:30 on the day Berlin jumps from 02:00 to
  03:00 is 03:00 CEST (01:00 UTC).

So the mapping never goes backwards: a later wall time is never an earlier instant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAY = timedelta(days=1)


def instant(local: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant at which clocks in `zone` show the naive wall time `local`."""
    first = local.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == local:
        return first
    # In a gap, fold=1 reads `local` with the offset after the change (an instant before
    # the jump) and fold=0 with the offset before it (an instant after): the change lies
    # between the two.
    before = local.replace(tzinfo=zone, fold=1).astimezone(UTC)
    return _change_between(before, first, zone)


def _change_between(before: datetime, after: datetime, zone: ZoneInfo) -> datetime:
    """The first instant in (before, after] with the UTC offset that `after` has."""
    target = after.astimezone(zone).utcoffset()
    base = before.replace(microsecond=0)
    low, high = 0, int((after - base).total_seconds())  # offset differs at low, not at high
    while high - low > 1:
        middle = (low + high) // 2
        if (base + timedelta(seconds=middle)).astimezone(zone).utcoffset() == target:
            high = middle
        else:
            low = middle
    return base + timedelta(seconds=high)


def wall(moment: datetime, zone: ZoneInfo) -> datetime:
    """The naive wall time in `zone` at the aware `moment`."""
    return moment.astimezone(zone).replace(tzinfo=None, fold=0)


def at(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """The instant of `clock` on `day` in `zone`."""
    return instant(datetime.combine(day, clock), zone)


@dataclass(frozen=True)
class Window:
    """A restriction: on each of `days` (Monday=0), from `start` to `end` wall time.

    An `end` at or before `start` ends on the next day, so 18:00-09:00 covers the night
    and 00:00-00:00 a whole day.
    """

    days: frozenset[int]
    start: time
    end: time

    def on(self, day: date, zone: ZoneInfo) -> tuple[datetime, datetime] | None:
        """The instants this window covers when it opens on `day`, if it opens that day."""
        if day.weekday() not in self.days:
            return None
        closes = day + DAY if self.end <= self.start else day
        begin, finish = at(day, self.start, zone), at(closes, self.end, zone)
        return (begin, finish) if begin < finish else None


def window_spans(
    windows: tuple[Window, ...], zone: ZoneInfo, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """The parts of [start, end) inside any of `windows`, sorted and merged."""
    spans: list[tuple[datetime, datetime]] = []
    day = wall(start, zone).date() - DAY  # a window opened yesterday may still be open
    last = wall(end, zone).date()
    while day <= last:
        for window in windows:
            span = window.on(day, zone)
            if span and span[1] > start and span[0] < end:
                spans.append((max(span[0], start), min(span[1], end)))
        day += DAY
    return merge_spans(spans)


def inside(windows: tuple[Window, ...], zone: ZoneInfo, moment: datetime) -> bool:
    """Whether `moment` falls in one of `windows` (opened today or yesterday)."""
    today = wall(moment, zone).date()
    for day in (today - DAY, today):
        for window in windows:
            span = window.on(day, zone)
            if span and span[0] <= moment < span[1]:
                return True
    return False


def merge_spans(spans: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Sort spans and join those that overlap or touch."""
    merged: list[tuple[datetime, datetime]] = []
    for begin, finish in sorted(spans):
        if merged and begin <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], finish))
        else:
            merged.append((begin, finish))
    return merged
