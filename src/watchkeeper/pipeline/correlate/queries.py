"""Read side of alerts: lists by state, one alert with what arrived, counts, changes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from watchkeeper.core.pagination import PageRequest
from watchkeeper.db.like import contains
from watchkeeper.db.pagination import paginate
from watchkeeper.incidents.models import Incident
from watchkeeper.pipeline.correlate.models import Alert
from watchkeeper.pipeline.ingest.models import ChangeEventRow, Event, RawPayload

SORTABLE = {
    "id": Alert.id,
    "last_seen_at": Alert.last_seen_at,
    "first_seen_at": Alert.first_seen_at,
}
STATES = ("open", "suppressed", "resolved")


def list_(
    session: Session,
    *,
    page: PageRequest,
    state: str | None = None,
    service_id: int | None = None,
    incident_id: int | None = None,
    q: str | None = None,
) -> tuple[Sequence[Alert], str | None]:
    stmt = select(Alert)
    if state == "open":
        stmt = stmt.where(Alert.status != "resolved", Alert.suppressed_reason.is_(None))
    elif state == "suppressed":
        stmt = stmt.where(Alert.status != "resolved", Alert.suppressed_reason.is_not(None))
    elif state == "resolved":
        stmt = stmt.where(Alert.status == "resolved")
    if service_id is not None:
        stmt = stmt.where(Alert.service_id == service_id)
    if incident_id is not None:
        stmt = stmt.where(Alert.incident_id == incident_id)
    if q:
        stmt = stmt.where(or_(contains(Alert.summary, q), contains(Alert.fingerprint, q)))
    return paginate(session, stmt, request=page, sortable=SORTABLE, id_column=Alert.id)


def counts(session: Session) -> dict[str, int]:
    """How many alerts are open, suppressed (still firing) and resolved."""
    firing = Alert.status != "resolved"
    return {
        "open": session.scalar(
            select(func.count()).where(firing, Alert.suppressed_reason.is_(None))
        )
        or 0,
        "suppressed": session.scalar(
            select(func.count()).where(firing, Alert.suppressed_reason.is_not(None))
        )
        or 0,
        "resolved": session.scalar(select(func.count()).where(Alert.status == "resolved")) or 0,
    }


def last_raw(session: Session, alert: Alert) -> RawPayload | None:
    """The raw body of the request that last touched the alert (while retention keeps it)."""
    if alert.last_event_id is None:
        return None
    raw_id = session.scalar(select(Event.raw_id).where(Event.id == alert.last_event_id))
    return session.get(RawPayload, raw_id) if raw_id is not None else None


CHANGES_BEFORE = timedelta(hours=24)


def recent_changes(
    session: Session,
    *,
    service_id: int,
    start: datetime,
    end: datetime | None = None,
    before: timedelta = CHANGES_BEFORE,
) -> Sequence[ChangeEventRow]:
    """Changes on a service from `before` ahead of `start` until `end` (open-ended when
    None), newest first."""
    window = [ChangeEventRow.occurred_at >= start - before]
    if end is not None:
        window.append(ChangeEventRow.occurred_at <= end)
    stmt = (
        select(ChangeEventRow)
        .where(ChangeEventRow.service_id == service_id, *window)
        .order_by(ChangeEventRow.occurred_at.desc())
        .limit(20)
    )
    return session.scalars(stmt).all()


def incident_changes(session: Session, incident: Incident) -> Sequence[ChangeEventRow]:
    """What changed on the incident's service that may explain it: from a day before it
    was declared until it was resolved (or closed unresolved); still open, until now."""
    return recent_changes(
        session,
        service_id=incident.service_id,
        start=incident.created_at,
        end=incident.resolved_at or incident.closed_at,
    )
