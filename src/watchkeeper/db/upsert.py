"""INSERT ... ON CONFLICT for both databases (their constructs share one signature)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_for(session: Session, model: Any) -> Any:
    """An INSERT for `model` that supports `on_conflict_do_nothing/do_update` on this database.

    Typed as Any because the two dialect constructs share an interface but no base class.
    """
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(model)
    return sqlite.insert(model)
