"""Scoring a whole history from CSV, streaming: how a user backtests the detector on their data.

Reads `timestamp,value` rows (a header line naming the two columns first), yields each row's
timestamp and value exactly as read with its anomaly score; never holds the file in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from watchkeeper.core.errors import Invalid
from watchkeeper.monitoring.anomaly.detector import Detector, Point

HEADER = ("timestamp", "value")


@dataclass(frozen=True)
class Scored:
    timestamp: str
    value: str
    point: Point


def parse_time(text: str) -> datetime:
    """ISO 8601 (a naive time is UTC) or Unix seconds."""
    text = text.strip()
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        try:
            return datetime.fromtimestamp(float(text), UTC)
        except (ValueError, OverflowError, OSError):
            raise ValueError(f"{text!r} is not an ISO 8601 time or Unix seconds") from None
    return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)


def _columns(header: list[str]) -> tuple[int, int]:
    names = [cell.strip().lower() for cell in header]
    if not set(HEADER) <= set(names):
        raise Invalid("line 1: the header must name the columns timestamp and value")
    return names.index("timestamp"), names.index("value")


def score_rows(rows: Iterable[list[str]], detector: Detector | None = None) -> Iterator[Scored]:
    """Score rows (the first one the header) in order; a bad row stops with its line number."""
    detector = detector or Detector()
    lines = iter(rows)
    header = next(lines, None)
    if header is None:
        raise Invalid("the file is empty: it needs a header line timestamp,value")
    at, val = _columns(header)
    for line, row in enumerate(lines, start=2):
        if not row:
            continue
        try:
            stamp_text, value_text = row[at], row[val]
            stamp = parse_time(stamp_text)
            value = float(value_text)
            point = detector.update(stamp, value)
        except IndexError:
            raise Invalid(f"line {line}: expected a timestamp and a value") from None
        except ValueError as exc:
            message = str(exc)
            if message.startswith("could not convert"):
                message = f"{row[val].strip()!r} is not a number"
            raise Invalid(f"line {line}: {message}") from None
        yield Scored(stamp_text, value_text, point)
