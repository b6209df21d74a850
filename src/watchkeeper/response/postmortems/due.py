"""Which closed incidents still owe a postmortem, and since when it is due.

A priority the admin marks as needing one (P1-P2 by default) owes it once closed; it is
due N business days (Monday to Friday, default 5) after closing, and owed until its
postmortem is published. The reads are bounded: closed incidents of the last `WINDOW`
by the (status, created_at) index, at most `LIMIT` of them.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.core.priority import label
from watchkeeper.incidents.lifecycle import Status as IncidentStatus
from watchkeeper.incidents.models import Incident
from watchkeeper.response.postmortems.models import Postmortem, PostmortemIncident
from watchkeeper.response.postmortems.schemas import DueOut, Status

WINDOW = timedelta(days=180)
LIMIT = 500


def add_business_days(start: datetime, days: int) -> datetime:
    """`start` moved forward by `days` weekdays (UTC calendar), keeping its time of day;
    a start on a weekend counts from the next Monday."""
    moment = start
    while moment.weekday() >= 5:
        moment += timedelta(days=1)
    left = days
    while left > 0:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            left -= 1
    return moment


@dataclass(frozen=True)
class Owed:
    incident: Incident
    due_at: datetime
    postmortem: Postmortem | None

    @property
    def owner_id(self) -> int | None:
        if self.postmortem is not None and self.postmortem.owner_id is not None:
            return self.postmortem.owner_id
        return self.incident.commander_id or self.incident.assignee_id


def owed(
    session: Session,
    *,
    priorities: Collection[int],
    business_days: int,
    now: datetime,
    only_due: bool = False,
) -> list[Owed]:
    """Closed incidents of the given priorities without a published postmortem, soonest
    due first; `only_due` keeps those whose due time has come."""
    if not priorities:
        return []
    incidents = session.scalars(
        select(Incident)
        .where(
            Incident.status == IncidentStatus.CLOSED,
            Incident.created_at >= now - WINDOW,
            Incident.priority.in_(sorted(priorities)),
            Incident.merged_into_id.is_(None),
        )
        .order_by(Incident.created_at)
        .limit(LIMIT)
    ).all()
    ids = [incident.id for incident in incidents]
    found_by_incident = covering(session, ids)
    found = []
    for incident in incidents:
        postmortem = found_by_incident.get(incident.id)
        if postmortem is not None and postmortem.status == Status.PUBLISHED:
            continue
        assert incident.closed_at is not None
        due_at = add_business_days(incident.closed_at, business_days)
        if only_due and due_at > now:
            continue
        found.append(Owed(incident, due_at, postmortem))
    return sorted(found, key=lambda item: (item.due_at, item.incident.id))


def covering(session: Session, ids: list[int]) -> dict[int, Postmortem]:
    """The postmortem covering each incident, lead or merged, in two queries."""
    if not ids:
        return {}
    found = {
        row.incident_id: row
        for row in session.scalars(select(Postmortem).where(Postmortem.incident_id.in_(ids)))
    }
    for incident_id, postmortem in session.execute(
        select(PostmortemIncident.incident_id, Postmortem)
        .join(Postmortem, Postmortem.id == PostmortemIncident.postmortem_id)
        .where(PostmortemIncident.incident_id.in_(ids))
    ):
        found[incident_id] = postmortem
    return found


def out(item: Owed, now: datetime) -> DueOut:
    assert item.incident.closed_at is not None
    return DueOut(
        incident_id=item.incident.id,
        title=item.incident.title,
        priority=label(item.incident.priority),
        closed_at=item.incident.closed_at,
        due_at=item.due_at,
        overdue=item.due_at <= now,
        postmortem_id=item.postmortem.id if item.postmortem else None,
        postmortem_status=Status(item.postmortem.status) if item.postmortem else None,
        owner_id=item.owner_id,
    )
