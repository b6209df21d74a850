"""The day series: quarter-hour sums from the database placed in the viewer's calendar
days, as pure code (a day across a DST change is 23 or 25 hours long, as it was lived)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from watchkeeper.analytics.response.queries import Bucket


@dataclass
class DayFigures:
    day: date
    count: int = 0
    tta_sum: float = 0.0
    acknowledged: int = 0
    ttr_sum: float = 0.0
    resolved: int = 0

    @property
    def tta_mean(self) -> float | None:
        return self.tta_sum / self.acknowledged if self.acknowledged else None

    @property
    def ttr_mean(self) -> float | None:
        return self.ttr_sum / self.resolved if self.resolved else None


def by_day(buckets: Iterable[Bucket], zone: ZoneInfo) -> list[DayFigures]:
    days: dict[date, DayFigures] = {}
    for b in buckets:
        day = datetime.fromtimestamp(b.start, UTC).astimezone(zone).date()
        found = days.get(day)
        if found is None:
            found = days[day] = DayFigures(day)
        found.count += b.count
        found.tta_sum += b.tta_sum
        found.acknowledged += b.acknowledged
        found.ttr_sum += b.ttr_sum
        found.resolved += b.resolved
    return [days[day] for day in sorted(days)]
