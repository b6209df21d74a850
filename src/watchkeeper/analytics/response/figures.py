"""The response figures, each defined once as a pure function of an incident's times.

- Time to acknowledge (TTA): from creation to acknowledgement. Incidents resolved without
  anyone acknowledging them have no TTA (they count in `unacknowledged`).
- Time to resolve (TTR): from creation to resolution, minus the time the SLA resolve clock
  rested (`paused_seconds`: on hold, and resolved before a reopen), as the SLA clock counts.
- Time between failures (MTBF): the mean gap between the starts of consecutive incidents
  of a group within the range, i.e. (last start - first start) / (count - 1).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from watchkeeper.analytics.stats import Summary, summarize


@dataclass(frozen=True, slots=True)
class IncidentTimes:
    """The columns the figures need, one row per counted incident."""

    key: str
    label: str
    created_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    paused_seconds: int


def time_to_acknowledge(row: IncidentTimes) -> float | None:
    if row.acknowledged_at is None:
        return None
    return max(0.0, (row.acknowledged_at - row.created_at).total_seconds())


def time_to_resolve(row: IncidentTimes) -> float | None:
    if row.resolved_at is None:
        return None
    elapsed = (row.resolved_at - row.created_at).total_seconds() - row.paused_seconds
    return max(0.0, elapsed)


def time_between_failures(starts: Sequence[datetime]) -> float | None:
    if len(starts) < 2:
        return None
    return (max(starts) - min(starts)).total_seconds() / (len(starts) - 1)


@dataclass
class GroupFigures:
    key: str
    label: str
    count: int
    acknowledged: int
    resolved: int
    unacknowledged: int
    tta: Summary
    ttr: Summary
    mtbf: float | None


@dataclass
class _Acc:
    label: str
    starts: list[datetime] = field(default_factory=list)
    tta: list[float] = field(default_factory=list)
    ttr: list[float] = field(default_factory=list)
    unacknowledged: int = 0


def figures(rows: Iterable[IncidentTimes]) -> list[GroupFigures]:
    """The figures of each group, in the order groups first appear."""
    groups: dict[str, _Acc] = {}
    for row in rows:
        acc = groups.get(row.key)
        if acc is None:
            acc = groups[row.key] = _Acc(row.label)
        acc.starts.append(row.created_at)
        tta = time_to_acknowledge(row)
        ttr = time_to_resolve(row)
        if tta is not None:
            acc.tta.append(tta)
        elif ttr is not None:
            acc.unacknowledged += 1
        if ttr is not None:
            acc.ttr.append(ttr)
    return [
        GroupFigures(
            key=key,
            label=acc.label,
            count=len(acc.starts),
            acknowledged=len(acc.tta),
            resolved=len(acc.ttr),
            unacknowledged=acc.unacknowledged,
            tta=summarize(acc.tta),
            ttr=summarize(acc.ttr),
            mtbf=time_between_failures(acc.starts),
        )
        for key, acc in groups.items()
    ]


@dataclass(frozen=True)
class DayFigures:
    day: date
    count: int
    tta_median: float | None
    ttr_median: float | None


def by_day(rows: Iterable[IncidentTimes], zone: ZoneInfo) -> list[DayFigures]:
    """Counts and medians per calendar day in `zone` (a day across a DST change is 23 or
    25 hours long, as the viewer lived it)."""
    days: dict[date, list[IncidentTimes]] = {}
    for row in rows:
        days.setdefault(row.created_at.astimezone(zone).date(), []).append(row)
    out = []
    for day in sorted(days):
        items = days[day]
        tta = [v for v in map(time_to_acknowledge, items) if v is not None]
        ttr = [v for v in map(time_to_resolve, items) if v is not None]
        out.append(DayFigures(day, len(items), summarize(tta).median, summarize(ttr).median))
    return out
