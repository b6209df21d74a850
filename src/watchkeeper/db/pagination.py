"""Keyset pagination of a SELECT by the conventions in `core.pagination`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from watchkeeper.core.pagination import PageRequest, decode_cursor, encode_cursor

M = TypeVar("M")
# A public sort name stands for one column, or several whose later ones break ties.
SortKey = InstrumentedAttribute[Any] | tuple[InstrumentedAttribute[Any], ...]


def _kind(column: InstrumentedAttribute[Any]) -> type:
    kind: type = column.type.python_type
    return kind


def paginate(
    session: Session,
    stmt: Select[M],
    *,
    request: PageRequest,
    sortable: Mapping[str, SortKey],
    id_column: InstrumentedAttribute[Any],
) -> tuple[Sequence[M], str | None]:
    """Return one page of `stmt`'s rows and the cursor of the next page (None at the end).

    `sortable` maps the public sort names to a non-null column, or to several (the later
    ones break ties, e.g. to follow an index); remaining ties are broken by id.
    """
    sort = request.sort
    columns = sortable[sort.field]
    chosen = list(columns) if isinstance(columns, tuple) else [columns]
    keys = chosen if any(c is id_column for c in chosen) else [*chosen, id_column]
    if request.cursor:
        last = decode_cursor(request.cursor, sort, kinds=[_kind(key) for key in keys])
        row_key = tuple_(*keys)
        stmt = stmt.where(row_key < tuple_(*last) if sort.descending else row_key > tuple_(*last))
    ordering = [key.desc() if sort.descending else key.asc() for key in keys]
    rows = session.scalars(stmt.order_by(*ordering).limit(request.limit + 1)).all()
    if len(rows) <= request.limit:
        return rows, None
    page = rows[: request.limit]
    tail = page[-1]
    return page, encode_cursor(sort, [getattr(tail, key.key) for key in keys])
