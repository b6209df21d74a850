"""Cursor pagination and sorting conventions shared by every list endpoint (docs/api.md).

Lists are paged by keyset, not offset, so page 1,000 costs what page 1 costs: the cursor
carries the sort value and id of the last row seen. Cursors are opaque to clients.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field

from watchkeeper.core.errors import FieldError, Invalid
from watchkeeper.core.ids import MAX_ID

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    """One page of a list: the items and the cursor of the next page (null on the last)."""

    items: list[T]
    next_cursor: str | None = Field(
        default=None, description="Pass as `cursor` to get the next page; null on the last page."
    )
    limit: int


@dataclass(frozen=True)
class Sort:
    """Sort by one field, ascending or descending; ties are broken by id in the same order."""

    field: str
    descending: bool = False

    def __str__(self) -> str:
        return f"-{self.field}" if self.descending else self.field


@dataclass(frozen=True)
class PageRequest:
    """What a client asked for: how many, after which row, in which order."""

    limit: int = DEFAULT_LIMIT
    cursor: str | None = None
    sort: Sort = Sort("id")


def every_page(fetch: Callable[[str | None], tuple[Sequence[T], str | None]]) -> list[T]:
    """All items of a paged list: call `fetch(cursor)` until it returns no next cursor."""
    items: list[T] = []
    cursor: str | None = None
    while True:
        page, cursor = fetch(cursor)
        items.extend(page)
        if cursor is None:
            return items


def parse_sort(raw: str | None, *, allowed: Sequence[str], default: Sort) -> Sort:
    """Parse `field` or `-field`, accepting only `allowed` field names."""
    if raw is None or raw == "":
        return default
    descending = raw.startswith("-")
    name = raw[1:] if descending else raw
    if name not in allowed:
        raise Invalid(
            f"cannot sort by {name!r}",
            errors=[FieldError("query.sort", f"allowed: {', '.join(sorted(allowed))}")],
        )
    return Sort(name, descending)


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise Invalid(
            "limit out of range",
            errors=[FieldError("query.limit", f"must be between 1 and {MAX_LIMIT}")],
        )
    return limit


def encode_cursor(sort: Sort, values: Sequence[Any]) -> str:
    """Encode the sort and the last row's key values as an opaque, URL-safe cursor."""
    tagged = [_tag(value) for value in values]
    raw = json.dumps({"s": str(sort), "v": tagged}, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, sort: Sort, *, kinds: Sequence[type] | None = None) -> list[Any]:
    """Decode a cursor made by `encode_cursor` for the same sort, or raise Invalid.

    A client can craft a cursor, so with `kinds` (the Python types of the key columns)
    each value must be one of them and fit the column: a dict, a list or a 2^70 that
    reached the database would fail there (a 500), not here.
    """
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(data, dict) or data["s"] != str(sort) or not isinstance(data["v"], list):
            raise ValueError("cursor belongs to another sort order")
        values = [_untag(item) for item in data["v"]]
        if kinds is not None and not _fits(values, kinds):
            raise ValueError("cursor values do not fit the sort keys")
        return values
    except (ValueError, KeyError, TypeError, binascii.Error) as exc:
        raise Invalid(
            "invalid cursor",
            errors=[FieldError("query.cursor", "use the next_cursor of a previous page")],
        ) from exc


def _tag(value: Any) -> list[Any]:
    if isinstance(value, datetime):
        return ["dt", value.isoformat()]
    if value is None or isinstance(value, str | int | float | bool):
        return ["v", value]
    raise TypeError(f"cannot put {type(value).__name__} in a cursor")


def _untag(item: Any) -> Any:
    if not isinstance(item, list):
        raise ValueError("unknown cursor value")
    kind, value = item
    if kind == "dt":
        return datetime.fromisoformat(value)
    if kind == "v" and (value is None or isinstance(value, str | int | float)):
        return value
    raise ValueError("unknown cursor value")


def _fits(values: Sequence[Any], kinds: Sequence[type]) -> bool:
    if len(values) != len(kinds):
        return False
    for value, kind in zip(values, kinds, strict=True):
        if isinstance(value, bool) or not isinstance(value, kind):
            return False
        if isinstance(value, int) and not -MAX_ID <= value <= MAX_ID:
            return False
        if isinstance(value, datetime) and value.utcoffset() is None:
            return False
    return True
