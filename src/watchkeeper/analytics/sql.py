"""Time arithmetic in SQL that means the same on SQLite and PostgreSQL.

SQLite keeps times as UTC text and counts in Julian days; PostgreSQL has `timestamptz`
and `EXTRACT(EPOCH ...)`. Both give seconds as a float here, exact to the microsecond
range the reports need.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Float, cast, func
from sqlalchemy.orm import Session

UNIX_EPOCH_JULIAN = 2440587.5
DAY = 86400.0


def is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def seconds_between(
    sqlite: bool, later: ColumnElement[Any] | Any, earlier: ColumnElement[Any] | Any
) -> ColumnElement[float]:
    if sqlite:
        return (func.julianday(later) - func.julianday(earlier)) * DAY
    return cast(func.extract("epoch", later - earlier), Float)


def epoch(sqlite: bool, moment: ColumnElement[Any] | Any) -> ColumnElement[float]:
    """Seconds since 1970-01-01 UTC."""
    if sqlite:
        return (func.julianday(moment) - UNIX_EPOCH_JULIAN) * DAY
    return cast(func.extract("epoch", moment), Float)
