"""What every report shares: a summary of durations (computed in SQL, see
response/queries.py) and the trend against the previous period, defined once here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Summary:
    """Durations in seconds; None when there is nothing to summarize."""

    count: int
    mean: float | None
    median: float | None
    p90: float | None


EMPTY = Summary(0, None, None, None)


Direction = Literal["up", "down", "flat", "new", "none"]


@dataclass(frozen=True)
class Trend:
    """How a figure moved against the previous period; `percent` is None without a base."""

    previous: float | None
    direction: Direction
    percent: float | None


def trend(current: float | None, previous: float | None) -> Trend:
    if current is None:
        return Trend(previous, "none", None)
    if previous is None or previous == 0:
        return Trend(previous, "flat" if current == previous else "new", None)
    change = (current - previous) / previous * 100
    direction: Direction = "flat" if abs(change) < 0.5 else ("up" if change > 0 else "down")
    return Trend(previous, direction, round(change, 1))
