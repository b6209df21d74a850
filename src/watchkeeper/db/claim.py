"""Claiming rows for work: several engines on PostgreSQL, one at a time on SQLite.

On PostgreSQL, `FOR UPDATE SKIP LOCKED` lets every engine take a different batch: rows
another engine has locked are skipped, never waited for. SQLite has one writer at a time
and the module's lease keeps other engines out, so a plain SELECT is enough.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import Session

S = TypeVar("S", bound="Select[*tuple[Any, ...]]")


def claim(session: Session, stmt: S, *, of: Any = None) -> S:
    """`stmt` made to lock its rows for this transaction, skipping rows others hold; `of`
    names the table(s) whose rows to lock when the statement joins others."""
    if session.get_bind().dialect.name == "postgresql":
        return stmt.with_for_update(skip_locked=True, of=of)
    return stmt
