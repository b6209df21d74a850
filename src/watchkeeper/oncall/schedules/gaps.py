"""Where a schedule has nobody on call: the uncovered spans of its final shifts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from watchkeeper.oncall.schedules.resolver import Shift


@dataclass(frozen=True)
class Gap:
    start: datetime
    end: datetime


def gaps(shifts: Iterable[Shift], start: datetime, end: datetime) -> list[Gap]:
    """The spans of [start, end) that no shift covers, in order."""
    found: list[Gap] = []
    cursor = start
    for shift in sorted(shifts, key=lambda s: s.start):
        if shift.end <= cursor:
            continue
        if shift.start > cursor:
            found.append(Gap(cursor, min(shift.start, end)))
        cursor = max(cursor, shift.end)
        if cursor >= end:
            break
    if cursor < end:
        found.append(Gap(cursor, end))
    return [gap for gap in found if gap.start < gap.end]
