"""Read side of incidents: filtered, sorted, paged lists; CSV rows; counts; timelines."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, aliased

from watchkeeper.catalog.categories.models import Category
from watchkeeper.catalog.services.models import Service
from watchkeeper.catalog.users.models import User
from watchkeeper.core.pagination import PageRequest
from watchkeeper.core.priority import label
from watchkeeper.db.pagination import SortKey, paginate
from watchkeeper.incidents.lifecycle import OPEN
from watchkeeper.incidents.models import Incident, TimelineEntry
from watchkeeper.incidents.search import matches

SORTABLE: dict[str, SortKey] = {
    "number": Incident.id,
    "created_at": Incident.created_at,
    "updated_at": Incident.updated_at,
    # Newest first within a priority (in the sort's direction): the priority index has
    # this order, so a sorted first page never sorts a whole priority.
    "priority": (Incident.priority, Incident.created_at),
}


@dataclass(frozen=True)
class IncidentFilter:
    """The list filters of API, UI and CSV; empty means no filter."""

    status: Sequence[str] = ()
    priority: Sequence[int] = ()
    service_id: int | None = None
    team_id: int | None = None
    assignee_id: int | None = None
    category_id: int | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    q: str | None = None
    tags: Sequence[str] = field(default_factory=tuple)


def filtered(session: Session, where: IncidentFilter) -> Select[Incident]:
    stmt = select(Incident)
    if where.status:
        stmt = stmt.where(Incident.status.in_(list(where.status)))
    if where.priority:
        stmt = stmt.where(Incident.priority.in_(list(where.priority)))
    if where.service_id is not None:
        stmt = stmt.where(Incident.service_id == where.service_id)
    if where.team_id is not None:
        owned = select(Service.id).where(Service.owner_team_id == where.team_id)
        stmt = stmt.where(Incident.service_id.in_(owned))
    if where.assignee_id is not None:
        stmt = stmt.where(Incident.assignee_id == where.assignee_id)
    if where.category_id is not None:
        # A top-level category stands for itself and its children.
        children = select(Category.id).where(Category.parent_id == where.category_id)
        stmt = stmt.where(
            or_(Incident.category_id == where.category_id, Incident.category_id.in_(children))
        )
    if where.created_after is not None:
        stmt = stmt.where(Incident.created_at >= where.created_after)
    if where.created_before is not None:
        stmt = stmt.where(Incident.created_at < where.created_before)
    if where.q:
        stmt = stmt.where(matches(session, where.q))
    return stmt


def list_(
    session: Session, *, where: IncidentFilter, page: PageRequest
) -> tuple[Sequence[Incident], str | None]:
    return paginate(
        session, filtered(session, where), request=page, sortable=SORTABLE, id_column=Incident.id
    )


def open_counts_by_service(session: Session, service_ids: Sequence[int]) -> dict[int, int]:
    """How many open incidents each service has (services with none are absent)."""
    if not service_ids:
        return {}
    rows = session.execute(
        select(Incident.service_id, func.count())
        .where(Incident.service_id.in_(list(service_ids)), Incident.status.in_(list(OPEN)))
        .group_by(Incident.service_id)
    )
    return {int(service_id): int(count) for service_id, count in rows}


def has_incidents(session: Session, service_id: int) -> bool:
    stmt = select(Incident.id).where(Incident.service_id == service_id).limit(1)
    return session.scalar(stmt) is not None


def timeline(
    session: Session, *, incident_id: int, after_id: int | None = None, limit: int = 500
) -> Sequence[TimelineEntry]:
    """Timeline entries oldest first; `after_id` continues from a previous read."""
    stmt = select(TimelineEntry).where(TimelineEntry.incident_id == incident_id)
    if after_id is not None:
        stmt = stmt.where(TimelineEntry.id > after_id)
    return session.scalars(stmt.order_by(TimelineEntry.id).limit(limit)).all()


def version(incident: Incident) -> str:
    """A digest of the incident's whole row: any change shows, two within one tick of the
    clock included (a live page compares it with the one it was rendered with)."""
    row = [repr(getattr(incident, column.key)) for column in Incident.__table__.columns]
    return hashlib.blake2b("\x1f".join(row).encode(), digest_size=12).hexdigest()


STATUS_KINDS = ("acknowledged", "resolved", "on_hold", "resumed", "reopened", "closed")


def last_status_change(session: Session, *, incident_id: int) -> TimelineEntry | None:
    """The entry that put the incident in its status (who acknowledged it, and when)."""
    return session.scalar(
        select(TimelineEntry)
        .where(TimelineEntry.incident_id == incident_id, TimelineEntry.kind.in_(STATUS_KINDS))
        .order_by(TimelineEntry.id.desc())
        .limit(1)
    )


def last_change(session: Session) -> datetime | None:
    """When any incident last changed: a fingerprint for live lists, read from one index.

    Incidents are never deleted and every change moves `updated_at`, so a list whose
    fingerprint is unchanged is unchanged (a changed one may be too; it is then re-read).
    """
    return session.scalar(select(func.max(Incident.updated_at)))


CSV_COLUMNS = (
    "number",
    "title",
    "status",
    "priority",
    "impact",
    "urgency",
    "service",
    "category",
    "assignee",
    "source",
    "tags",
    "created_at",
    "acknowledged_at",
    "resolved_at",
    "closed_at",
    "sla_acknowledge",
    "sla_resolve",
    "resolution_code",
    "merged_into",
)


def csv_rows(session: Session, *, where: IncidentFilter) -> Iterator[list[Any]]:
    """Rows for the CSV export, newest first, streamed from the database in chunks."""
    assignee = aliased(User)
    stmt = (
        filtered(session, where)
        .add_columns(Service.name, Category.path, assignee.login)
        .join(Service, Service.id == Incident.service_id)
        .outerjoin(Category, Category.id == Incident.category_id)
        .outerjoin(assignee, assignee.id == Incident.assignee_id)
        .order_by(Incident.created_at.desc(), Incident.id.desc())
        .execution_options(yield_per=1000)
    )
    for incident, service_name, category_path, login in session.execute(stmt):
        yield [
            incident.id,
            incident.title,
            incident.status,
            label(incident.priority),
            incident.impact,
            incident.urgency,
            service_name,
            category_path or "",
            login or "",
            incident.source,
            " ".join(incident.tags),
            _iso(incident.created_at),
            _iso(incident.acknowledged_at),
            _iso(incident.resolved_at),
            _iso(incident.closed_at),
            incident.sla_ack,
            incident.sla_resolve,
            incident.resolution_code or "",
            incident.merged_into_id or "",
        ]


def _iso(value: datetime | None) -> str:
    return value.isoformat() if value else ""
