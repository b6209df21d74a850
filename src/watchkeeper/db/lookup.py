"""Small read helpers shared by services."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session


def missing_ids(
    session: Session, column: InstrumentedAttribute[Any], ids: Iterable[int]
) -> list[int]:
    """The ids among `ids` that have no row, sorted; empty when all exist."""
    wanted = set(ids)
    if not wanted:
        return []
    found = set(session.scalars(select(column).where(column.in_(wanted))))
    return sorted(wanted - found)
