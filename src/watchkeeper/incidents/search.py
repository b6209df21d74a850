"""Text search over incident titles and descriptions, indexed on both databases.

`q` matches incidents containing words that start with each of its terms. PostgreSQL
uses a GIN index on a tsvector expression; SQLite an FTS5 table kept by triggers.
Both are created by the migration r0002 (they are outside the models; the schema
comparison skips them, see `db.migrate.UNMANAGED_PREFIXES`).
"""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, TextClause, false, text
from sqlalchemy.orm import Session

from watchkeeper.incidents.models import Incident

MAX_TERMS = 8
_WORD = re.compile(r"\w+", re.UNICODE)

# The index expression: queries must repeat it exactly for PostgreSQL to use the index.
PG_DOCUMENT = "to_tsvector('simple', title || ' ' || description)"
PG_INDEX = "ix_incidents_search"
SQLITE_TABLE = "incidents_fts"


def terms(q: str) -> list[str]:
    return [word.lower() for word in _WORD.findall(q)][:MAX_TERMS]


def matches(session: Session, q: str) -> ColumnElement[bool] | TextClause:
    """A WHERE clause for incidents matching `q` (nothing matches a `q` without words)."""
    words = terms(q)
    if not words:
        return false()
    if session.get_bind().dialect.name == "postgresql":
        query = " & ".join(f"{word}:*" for word in words)
        return text(f"{PG_DOCUMENT} @@ to_tsquery('simple', :tsquery)").bindparams(tsquery=query)
    query = " AND ".join(f'"{word}"*' for word in words)
    rows = text(f"SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH :fts").bindparams(
        fts=query
    )
    return Incident.id.in_(rows)
