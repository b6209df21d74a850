from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from watchkeeper.core.clock import FrozenClock, SystemClock, ensure_utc


def test_frozen_clock_stands_still_until_advanced() -> None:
    clock = FrozenClock(datetime(2026, 3, 1, 12, 0, tzinfo=UTC))
    assert clock.now() == clock.now()
    assert clock.advance(minutes=30) == datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
    assert clock.now() == datetime(2026, 3, 1, 12, 30, tzinfo=UTC)


def test_frozen_clock_refuses_to_run_backwards() -> None:
    clock = FrozenClock(datetime(2026, 3, 1, tzinfo=UTC))
    with pytest.raises(ValueError, match="backwards"):
        clock.advance(timedelta(seconds=-1))


def test_frozen_clock_keeps_utc_whatever_zone_it_is_given() -> None:
    paris_noon = datetime(2026, 7, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    assert FrozenClock(paris_noon).now() == datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    assert FrozenClock(paris_noon).now().tzinfo is UTC


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        ensure_utc(datetime(2026, 1, 1))  # noqa: DTZ001 - the point of the test


def test_system_clock_is_aware_utc() -> None:
    assert SystemClock().now().tzinfo is UTC
