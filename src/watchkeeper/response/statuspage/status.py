"""Pure rules of component status: which status wins, the page indicator, and uptime
from status periods (outage minutes per local day)."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import NamedTuple
from zoneinfo import ZoneInfo


class ComponentStatus(StrEnum):
    OPERATIONAL = "operational"
    UNDER_MAINTENANCE = "under_maintenance"
    DEGRADED_PERFORMANCE = "degraded_performance"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"


_STATUSES = {str(status): status for status in ComponentStatus}

# Worse statuses rank higher; maintenance shows unless something is actually broken.
RANK = {status: rank for rank, status in enumerate(ComponentStatus)}

DEFAULT_PRIORITY_STATUS: dict[str, str] = {
    "1": ComponentStatus.MAJOR_OUTAGE,
    "2": ComponentStatus.PARTIAL_OUTAGE,
    "3": ComponentStatus.DEGRADED_PERFORMANCE,
    "4": ComponentStatus.OPERATIONAL,
    "5": ComponentStatus.OPERATIONAL,
}

# Share of a period that counts as downtime (as status page users expect: a partial
# outage is not a full one; slowness and planned work are not downtime).
DOWNTIME_WEIGHT = {ComponentStatus.MAJOR_OUTAGE: 1.0, ComponentStatus.PARTIAL_OUTAGE: 0.3}

LABELS = {
    ComponentStatus.OPERATIONAL: "Operational",
    ComponentStatus.UNDER_MAINTENANCE: "Under maintenance",
    ComponentStatus.DEGRADED_PERFORMANCE: "Degraded performance",
    ComponentStatus.PARTIAL_OUTAGE: "Partial outage",
    ComponentStatus.MAJOR_OUTAGE: "Major outage",
}


def worst(statuses: Iterable[str]) -> ComponentStatus:
    found = [ComponentStatus(status) for status in statuses]
    return max(found, key=RANK.__getitem__, default=ComponentStatus.OPERATIONAL)


def effective(
    *,
    manual: str | None,
    priorities: Iterable[int],
    priority_status: Mapping[str, str],
    declared: Iterable[str],
    in_maintenance: bool,
) -> ComponentStatus:
    """A hand-set status wins; otherwise the worst of what open incidents of its
    services give (by priority), what public incidents declare, and maintenance."""
    if manual is not None:
        return ComponentStatus(manual)
    mapping = {**DEFAULT_PRIORITY_STATUS, **priority_status}
    found = [mapping[str(priority)] for priority in priorities]
    found.extend(declared)
    if in_maintenance:
        found.append(ComponentStatus.UNDER_MAINTENANCE)
    return worst(found)


@dataclass(frozen=True)
class Indicator:
    indicator: str  # none, minor, major, critical (the Statuspage vocabulary)
    description: str


def indicator(statuses: Iterable[str]) -> Indicator:
    """The page's overall state from its components' statuses."""
    top = worst(statuses)
    if top is ComponentStatus.MAJOR_OUTAGE:
        return Indicator("critical", "Major System Outage")
    if top is ComponentStatus.PARTIAL_OUTAGE:
        return Indicator("major", "Partial System Outage")
    if top is ComponentStatus.DEGRADED_PERFORMANCE:
        return Indicator("minor", "Minor Service Outage")
    if top is ComponentStatus.UNDER_MAINTENANCE:
        return Indicator("none", "Service Under Maintenance")
    return Indicator("none", "All Systems Operational")


def impact(statuses: Iterable[str]) -> str:
    """A public incident's impact (none, minor, major, critical) from what it declares."""
    return indicator(statuses).indicator


@dataclass(frozen=True)
class Period:
    """A status held from `started` to `ended` (UTC timestamps; None: still held)."""

    status: str
    started: float
    ended: float | None

    @classmethod
    def between(cls, status: str, started: datetime, ended: datetime | None) -> Period:
        return cls(status, started.timestamp(), ended.timestamp() if ended else None)


class Day(NamedTuple):
    """One bar (a tuple: pages make thousands of them)."""

    day: date
    down_minutes: float  # weighted outage minutes
    worst: ComponentStatus
    known: bool  # False before the component existed


@dataclass(frozen=True)
class Uptime:
    days: list[Day]
    percent: float | None  # None when no day is known


@dataclass(frozen=True)
class DayGrid:
    """The local days of the bars, as UTC timestamps of their starts (and of the end of
    the last): computed once per page, so each component's bars are plain arithmetic."""

    dates: list[date]
    starts: list[float]
    now: float

    @classmethod
    def of(cls, *, now: datetime, zone: ZoneInfo, days: int) -> DayGrid:
        today = now.astimezone(zone).date()
        dates = [today - timedelta(days=days - 1 - i) for i in range(days + 1)]
        starts = [datetime.combine(day, time(), tzinfo=zone).timestamp() for day in dates]
        return cls(dates[:-1], starts, now.timestamp())


@dataclass(frozen=True)
class Tally:
    """Weighted outage minutes and the worst status of each day of a grid."""

    down: list[float]
    worst: list[ComponentStatus]


def tally(periods: Iterable[Period], *, grid: DayGrid, first: int = 0) -> Tally:
    """Add up periods into the grid's days from index `first` on (earlier days stay 0)."""
    days = len(grid.dates)
    starts, now = grid.starts, grid.now
    down = [0.0] * days
    worst_of = [ComponentStatus.OPERATIONAL] * days
    for period in periods:
        status = _STATUSES.get(period.status, ComponentStatus.OPERATIONAL)
        if status is ComponentStatus.OPERATIONAL:
            continue
        weight, rank = DOWNTIME_WEIGHT.get(status, 0.0), RANK[status]
        begin = max(period.started, starts[first])
        end = now if period.ended is None else min(period.ended, now)
        index = max(first, bisect_right(starts, begin) - 1)
        while index < days and starts[index] < end:
            overlap = min(end, starts[index + 1]) - max(begin, starts[index])
            if overlap > 0:
                down[index] += weight * overlap / 60
                if rank > RANK[worst_of[index]]:
                    worst_of[index] = status
            index += 1
    return Tally(down, worst_of)


def uptime(periods: Iterable[Period], *, grid: DayGrid, since: datetime) -> Uptime:
    """Daily bars for the grid's days from status periods. Time before `since` (the
    component's creation) or after now does not count."""
    return summarize(tally(periods, grid=grid), grid=grid, since=since)


def summarize(found: Tally, *, grid: DayGrid, since: datetime) -> Uptime:
    created, now, starts = since.timestamp(), grid.now, grid.starts
    first = bisect_right(starts, created) - 1  # days before it are not known
    result = [
        Day(day, weighted, worst, index >= first)
        for index, (day, weighted, worst) in enumerate(
            zip(grid.dates, found.down, found.worst, strict=True)
        )
    ]
    counted = max(0.0, (now - max(created, starts[0])) / 60)
    lost = sum(found.down[max(first, 0) :])
    # Rounded: timestamps computed by the database carry float noise (97.4999999...).
    percent = None if counted <= 0 else round(max(0.0, 100.0 * (1 - lost / counted)), 4)
    return Uptime(result, percent)
