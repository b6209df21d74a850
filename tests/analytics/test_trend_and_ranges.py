"""Pure pieces every report shares: the trend against the period before, and ranges."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from watchkeeper.analytics.ranges import ReportRange, parse_since, resolve_range
from watchkeeper.analytics.stats import trend
from watchkeeper.core.errors import Invalid

NOW = datetime(2026, 3, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    ("current", "previous", "direction", "percent"),
    [
        (150.0, 100.0, "up", 50.0),
        (50.0, 100.0, "down", -50.0),
        (100.4, 100.0, "flat", 0.4),
        (3.0, None, "new", None),
        (3.0, 0.0, "new", None),
        (None, 100.0, "none", None),
    ],
)
def test_trend_says_which_way_and_how_much(
    current: float | None, previous: float | None, direction: str, percent: float | None
) -> None:
    moved = trend(current, previous)
    assert (moved.direction, moved.percent) == (direction, percent)


def test_the_period_before_ends_where_the_range_starts() -> None:
    window = resolve_range(now=NOW, since="30d", start=None, end=None)
    assert window == ReportRange(NOW - timedelta(days=30), NOW)
    assert window.previous() == ReportRange(NOW - timedelta(days=60), NOW - timedelta(days=30))


@pytest.mark.parametrize("text", ["30", "0d", "3y", "1000w"])
def test_a_length_that_is_not_one_is_refused(text: str) -> None:
    with pytest.raises(Invalid):
        parse_since(text)
