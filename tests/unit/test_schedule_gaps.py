"""Gaps: the spans of a window no shift covers."""

from __future__ import annotations

from datetime import UTC, datetime

from watchkeeper.oncall.schedules.gaps import Gap, gaps
from watchkeeper.oncall.schedules.resolver import Shift


def at(hour: int) -> datetime:
    return datetime(2026, 1, 15, hour, tzinfo=UTC)


def test_uncovered_spans_before_between_and_after_shifts() -> None:
    shifts = [Shift(1, at(10), at(12)), Shift(2, at(11), at(14)), Shift(1, at(16), at(18))]
    assert gaps(shifts, at(9), at(20)) == [
        Gap(at(9), at(10)),
        Gap(at(14), at(16)),
        Gap(at(18), at(20)),
    ]


def test_no_gap_when_shifts_cover_the_window_and_all_of_it_when_there_are_none() -> None:
    assert gaps([Shift(1, at(8), at(21))], at(9), at(20)) == []
    assert gaps([], at(9), at(20)) == [Gap(at(9), at(20))]
