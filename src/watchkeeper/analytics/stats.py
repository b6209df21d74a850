"""Summary statistics used by every report, defined once: mean, median, p90, trend."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Summary:
    """Durations in seconds; None when there is nothing to summarize."""

    count: int
    mean: float | None
    median: float | None
    p90: float | None


def percentile(ordered: Sequence[float], share: float) -> float:
    """Nearest-rank percentile of sorted values: the smallest value with at least `share`
    of the values at or below it (so p90 of ten values is the ninth, always a real value)."""
    rank = max(1, math.ceil(share * len(ordered)))
    return ordered[rank - 1]


def summarize(values: Sequence[float]) -> Summary:
    if not values:
        return Summary(0, None, None, None)
    ordered = sorted(values)
    n = len(ordered)
    middle = n // 2
    median = ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    return Summary(n, sum(ordered) / n, median, percentile(ordered, 0.9))


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
