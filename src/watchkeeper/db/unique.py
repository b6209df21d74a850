"""Writes that a unique constraint may refuse: each runs in a savepoint, so a refusal
undoes only that write and surfaces as the caller's own error (e.g. "name taken")."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session


def add_unique(session: Session, row: object, taken: Callable[[], Exception]) -> None:
    """Insert `row`; raise `taken()` if a unique constraint refuses it."""
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        raise taken() from None


def update_unique(
    session: Session,
    row: Any,
    changes: Mapping[str, Any],
    *,
    now: datetime,
    taken: Callable[[], Exception],
) -> None:
    """Set `changes` and `updated_at` on `row`; raise `taken()` if a unique constraint
    refuses them. The savepoint opens before the change, so a refusal undoes only it."""
    try:
        with session.begin_nested():
            for field, value in changes.items():
                setattr(row, field, value)
            row.updated_at = now
    except IntegrityError:
        raise taken() from None
