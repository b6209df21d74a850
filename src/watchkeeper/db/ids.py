"""Ids for many new rows at once, so that they go in with one multi-row INSERT.

SQLAlchemy returns the ids of a multi-row INSERT in order on PostgreSQL, but on SQLite it
falls back to one INSERT per row to promise that order. Reserving the ids first works the
same on both: PostgreSQL takes them from the table's sequence; on SQLite the caller holds
the write lock (writer transactions begin IMMEDIATE), so the ids above the largest are free.
"""

from __future__ import annotations

from sqlalchemy import Table, func, select, text
from sqlalchemy.orm import Session

_NEXT = text("SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)")


def reserve(session: Session, table: Table, count: int) -> list[int]:
    """`count` ids no other row has, ascending, for rows the caller inserts in this
    transaction."""
    if count <= 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        return [int(row[0]) for row in session.execute(_NEXT, {"table": table.name, "n": count})]
    largest = session.scalar(select(func.max(table.c.id))) or 0
    return list(range(largest + 1, largest + 1 + count))
