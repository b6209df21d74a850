"""Substring filters with LIKE where the user's text is matched literally.

A search box hands us text, not a pattern: `%` and `_` in it must not act as wildcards
(`q=_` listing every user, `q=%` every team). SQLite has no default escape character and
PostgreSQL's is the backslash, so the clause always names its own.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func
from sqlalchemy.orm import InstrumentedAttribute

ESCAPE = "\\"


def escape_like(text: str) -> str:
    """`text` with LIKE's wildcards and the escape character itself made literal."""
    return text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")


def contains(
    column: ColumnElement[Any] | InstrumentedAttribute[Any], text: str
) -> ColumnElement[bool]:
    """Case-insensitive "column contains text", on both databases."""
    pattern = f"%{escape_like(text.lower())}%"
    return func.lower(column).like(pattern, escape=ESCAPE)
