"""Pure rules of component status: which status wins, the page indicator, and uptime
from status periods (outage minutes per local day)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo


class ComponentStatus(StrEnum):
    OPERATIONAL = "operational"
    UNDER_MAINTENANCE = "under_maintenance"
    DEGRADED_PERFORMANCE = "degraded_performance"
    PARTIAL_OUTAGE = "partial_outage"
    MAJOR_OUTAGE = "major_outage"


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
    status: str
    started_at: datetime
    ended_at: datetime | None


@dataclass(frozen=True)
class Day:
    day: date
    down_minutes: float  # weighted outage minutes
    worst: ComponentStatus
    known: bool  # False before the component existed


@dataclass(frozen=True)
class Uptime:
    days: list[Day]
    percent: float | None  # None when no day is known


def uptime(
    periods: Iterable[Period], *, now: datetime, zone: ZoneInfo, days: int, since: datetime
) -> Uptime:
    """Daily bars for the last `days` local days (today last) from status periods.
    Minutes before `since` (the component's creation) or after `now` do not count."""
    today = now.astimezone(zone).date()
    first = today - timedelta(days=days - 1)
    starts = [
        datetime.combine(first + timedelta(days=i), time(), tzinfo=zone) for i in range(days + 1)
    ]
    down = [0.0] * days
    worst_of: list[ComponentStatus] = [ComponentStatus.OPERATIONAL] * days
    for period in periods:
        weight = DOWNTIME_WEIGHT.get(ComponentStatus(period.status), 0.0)
        status = ComponentStatus(period.status)
        if status is ComponentStatus.OPERATIONAL:
            continue
        begin = max(period.started_at, starts[0])
        end = min(period.ended_at or now, now)
        index = _day_index(starts, begin)
        while index < days and starts[index] < end:
            overlap = min(end, starts[index + 1]) - max(begin, starts[index])
            if overlap > timedelta(0):
                down[index] += weight * overlap.total_seconds() / 60
                if RANK[status] > RANK[worst_of[index]]:
                    worst_of[index] = status
            index += 1
    return _summarize(starts, down, worst_of, now=now, since=since)


def _day_index(starts: list[datetime], moment: datetime) -> int:
    low, high = 0, len(starts) - 1
    while low < high - 1:
        middle = (low + high) // 2
        if starts[middle] <= moment:
            low = middle
        else:
            high = middle
    return low


def _summarize(
    starts: list[datetime],
    down: list[float],
    worst_of: list[ComponentStatus],
    *,
    now: datetime,
    since: datetime,
) -> Uptime:
    result: list[Day] = []
    counted = 0.0
    lost = 0.0
    for index, weighted in enumerate(down):
        begin = max(starts[index], since)
        end = min(starts[index + 1], now)
        known = end > begin
        result.append(Day(starts[index].date(), weighted, worst_of[index], known))
        if known:
            counted += (end - begin).total_seconds() / 60
            lost += weighted
    percent = None if counted <= 0 else max(0.0, 100.0 * (1 - lost / counted))
    return Uptime(result, percent)
