"""Restrictions written the way people say them, one window a line:
`Mon-Fri 09:00-17:00`, `Sat,Sun 00:00-00:00`, `Fri 18:00-09:00` (ends the next day)."""

from __future__ import annotations

import re
from typing import Any

from watchkeeper.core.errors import FieldError, Invalid

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_LINE = re.compile(r"^(?P<days>[A-Za-z,\s-]+?)\s+(?P<start>\d\d:\d\d)\s*-\s*(?P<end>\d\d:\d\d)$")


def parse_windows(text: str, field: str = "restrictions") -> list[dict[str, Any]]:
    """Windows as the API takes them (`{"days", "start", "end"}`), one per non-empty line."""
    windows = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        match = _LINE.match(line)
        if match is None:
            raise _bad(number, line, "write days then times, e.g. Mon-Fri 09:00-17:00", field)
        days = _days(match["days"], number, line, field)
        windows.append({"days": days, "start": match["start"], "end": match["end"]})
    return windows


def format_windows(windows: list[dict[str, Any]]) -> str:
    """The inverse of `parse_windows`, with runs of days as ranges."""
    return "\n".join(f"{_day_runs(item['days'])} {item['start']}-{item['end']}" for item in windows)


def _days(text: str, number: int, line: str, field: str) -> list[int]:
    found: set[int] = set()
    for part in re.split(r"[,\s]+", text.strip()):
        first, _, last = part.partition("-")
        try:
            begin = DAY_NAMES.index(first[:3].title())
            end = DAY_NAMES.index(last[:3].title()) if last else begin
        except ValueError:
            raise _bad(number, line, f"unknown day in {part!r}; use Mon..Sun", field) from None
        span = range(begin, end + 1) if begin <= end else [*range(begin, 7), *range(end + 1)]
        found.update(span)
    return sorted(found)


def _day_runs(days: list[int]) -> str:
    runs: list[list[int]] = []
    for day in sorted(days):
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    names = []
    for run in runs:
        if len(run) >= 3:
            names.append(f"{DAY_NAMES[run[0]]}-{DAY_NAMES[run[-1]]}")
        else:
            names.extend(DAY_NAMES[day] for day in run)
    return ",".join(names)


def _bad(number: int, line: str, why: str, field: str) -> Invalid:
    return Invalid(f"restriction line {number} ({line!r}): {why}", errors=[FieldError(field, why)])
