"""The reads behind the follow-through report: closed incidents that need a postmortem,
with the one covering each, and the action items created in the range."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from watchkeeper.analytics.follow.figures import ItemRow, OwedRow
from watchkeeper.analytics.ranges import ReportRange
from watchkeeper.catalog.teams.models import Team
from watchkeeper.incidents.lifecycle import Status as IncidentStatus
from watchkeeper.incidents.models import Incident
from watchkeeper.response.actions.models import ActionItem
from watchkeeper.response.postmortems.due import add_business_days, covering
from watchkeeper.response.postmortems.models import Postmortem
from watchkeeper.response.postmortems.schemas import Status as PostmortemStatus

NO_TEAM = "no team"


@dataclass(frozen=True)
class Owed:
    incident: Incident
    row: OwedRow
    postmortem_id: int | None


@dataclass(frozen=True)
class Item:
    id: int
    title: str
    team: str
    row: ItemRow


def owed(
    session: Session,
    *,
    window: ReportRange,
    priorities: Collection[int],
    business_days: int,
    service_id: int | None,
) -> list[Owed]:
    """Closed incidents created in the range whose priority needs a postmortem (merged
    duplicates left out), each with its due time and when its postmortem was published:
    two queries."""
    if not priorities:
        return []
    query = select(Incident).where(
        Incident.status == IncidentStatus.CLOSED,
        Incident.created_at >= window.start,
        Incident.created_at < window.end,
        Incident.priority.in_(sorted(priorities)),
        Incident.merged_into_id.is_(None),
    )
    if service_id is not None:
        query = query.where(Incident.service_id == service_id)
    incidents = session.scalars(query.order_by(Incident.id)).all()
    found = covering(session, [incident.id for incident in incidents])
    out = []
    for incident in incidents:
        assert incident.closed_at is not None
        postmortem = found.get(incident.id)
        published = (
            postmortem.published_at
            if postmortem is not None and postmortem.status == PostmortemStatus.PUBLISHED
            else None
        )
        due_at = add_business_days(incident.closed_at, business_days)
        out.append(
            Owed(
                incident,
                OwedRow(incident.closed_at, due_at, published),
                postmortem.id if postmortem else None,
            )
        )
    return out


def published_in_range(session: Session, window: ReportRange, service_id: int | None) -> int:
    query = select(Postmortem.id).where(
        Postmortem.status == PostmortemStatus.PUBLISHED,
        Postmortem.published_at >= window.start,
        Postmortem.published_at < window.end,
    )
    if service_id is not None:
        query = query.join(Incident, Incident.id == Postmortem.incident_id).where(
            Incident.service_id == service_id
        )
    return len(session.scalars(query).all())


def items(session: Session, window: ReportRange, service_id: int | None) -> list[Item]:
    """Action items created in the range with their team; for one service, those whose
    incident, or whose postmortem's incident, is on it. One query."""
    query = (
        select(ActionItem, Team.name)
        .outerjoin(Team, Team.id == ActionItem.team_id)
        .where(ActionItem.created_at >= window.start, ActionItem.created_at < window.end)
    )
    if service_id is not None:
        on_service = select(Incident.id).where(Incident.service_id == service_id)
        of_postmortem = select(Postmortem.id).where(Postmortem.incident_id.in_(on_service))
        query = query.where(
            or_(ActionItem.incident_id.in_(on_service), ActionItem.postmortem_id.in_(of_postmortem))
        )
    return [
        Item(
            item.id,
            item.title,
            team or NO_TEAM,
            ItemRow(item.status, item.created_at, item.done_at, item.due_on),
        )
        for item, team in session.execute(query.order_by(ActionItem.id))
    ]
