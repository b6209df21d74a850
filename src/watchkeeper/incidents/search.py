"""Text search over incident titles and descriptions, indexed on both databases.

`q` matches incidents containing words that start with each of its terms. PostgreSQL
uses a stored tsvector column (`search_vector`) with a GIN index; SQLite an FTS5 table
kept by triggers. Migrations r0002 and r0004 create them; they are outside the models
and the schema comparison skips them (`db.migrate.UNMANAGED_PREFIXES`).
"""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, TextClause, false, text
from sqlalchemy.orm import Session

from watchkeeper.incidents.models import Incident

MAX_TERMS = 8
DENSE = 2000  # SQLite: from this many matches on, a search walks the sort order
_WORD = re.compile(r"\w+", re.UNICODE)

PG_DOCUMENT = "search_vector"
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
        return text(f"incidents.{PG_DOCUMENT} @@ to_tsquery('simple', :tsquery)").bindparams(
            tsquery=query
        )
    query = " AND ".join(f'"{word}"*' for word in words)
    rows = text(f"SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH :fts").bindparams(
        fts=query
    )
    if _dense(session, query):
        # Many matches: walking the list's sort index and probing the matches beats
        # fetching every match by id to sort them all; `+ 0` keeps SQLite off the id index.
        return (Incident.id + 0).in_(rows)
    return Incident.id.in_(rows)


def _dense(session: Session, fts: str) -> bool:
    counted = text(
        f"SELECT count(*) FROM (SELECT 1 FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH :fts "
        "LIMIT :cap)"
    ).bindparams(fts=fts, cap=DENSE)
    return (session.scalar(counted) or 0) >= DENSE
