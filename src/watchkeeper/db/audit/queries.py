"""Reading the audit log: filtered pages for people, all rows in order for an export."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, or_, select
from sqlalchemy.orm import Session

from watchkeeper.core.pagination import PageRequest
from watchkeeper.db.audit.models import AuditEntry
from watchkeeper.db.like import contains
from watchkeeper.db.pagination import SortKey, paginate

SORTABLE: dict[str, SortKey] = {"at": (AuditEntry.at, AuditEntry.id), "id": AuditEntry.id}
EXPORT_CHUNK = 1000


def _filtered(
    *,
    actor: str | None = None,
    q: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Select[AuditEntry]:
    stmt = select(AuditEntry)
    if actor:
        stmt = stmt.where(AuditEntry.actor_login == actor)
    if q:
        stmt = stmt.where(or_(contains(AuditEntry.route, q), contains(AuditEntry.path, q)))
    if since is not None:
        stmt = stmt.where(AuditEntry.at >= since)
    if until is not None:
        stmt = stmt.where(AuditEntry.at < until)
    return stmt


def list_(
    session: Session, *, page: PageRequest, **filters: Any
) -> tuple[Sequence[AuditEntry], str | None]:
    """One page. Filters: actor (login), q (route or path contains), since, until."""
    stmt = _filtered(**filters)
    return paginate(session, stmt, request=page, sortable=SORTABLE, id_column=AuditEntry.id)


def export(session: Session, **filters: Any) -> Iterator[AuditEntry]:
    """Every matching row, oldest first, read in chunks by id so memory stays flat."""
    after = 0
    while True:
        stmt = _filtered(**filters).where(AuditEntry.id > after)
        rows = session.scalars(stmt.order_by(AuditEntry.id).limit(EXPORT_CHUNK)).all()
        yield from rows
        if len(rows) < EXPORT_CHUNK:
            return
        after = rows[-1].id


def prune(session: Session, *, before: datetime, limit: int = 5000) -> int:
    """Delete at most `limit` rows older than `before` (retention); returns how many."""
    ids = select(AuditEntry.id).where(AuditEntry.at < before).order_by(AuditEntry.id).limit(limit)
    result = session.execute(delete(AuditEntry).where(AuditEntry.id.in_(ids.scalar_subquery())))
    return int(getattr(result, "rowcount", 0) or 0)
