"""Read side of a status page: what a visitor sees (components with uptime bars, open
and recent incidents, maintenance), in a few queries for the whole page."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from watchkeeper.response.statuspage.models import (
    Component,
    ComponentGroup,
    PublicIncident,
    PublicUpdate,
    StatusPage,
    StatusPeriod,
)
from watchkeeper.response.statuspage.status import Indicator, Period, Uptime, indicator, uptime

UPTIME_DAYS = 90
RECENT_DAYS = 14
FINISHED = ("resolved", "completed")


@dataclass(frozen=True)
class ComponentView:
    component: Component
    uptime: Uptime


@dataclass(frozen=True)
class GroupView:
    group: ComponentGroup | None  # None: components outside any group
    components: list[ComponentView]


@dataclass(frozen=True)
class IncidentView:
    incident: PublicIncident
    updates: list[PublicUpdate]  # published only, newest first


@dataclass
class PageView:
    page: StatusPage
    groups: list[GroupView]
    components: list[ComponentView]
    indicator: Indicator
    open_incidents: list[IncidentView] = field(default_factory=list)
    recent_incidents: list[IncidentView] = field(default_factory=list)
    maintenance: list[IncidentView] = field(default_factory=list)
    last_modified: datetime | None = None


def page_view(session: Session, page: StatusPage, *, now: datetime) -> PageView:
    zone = ZoneInfo(page.time_zone)
    components = session.scalars(
        select(Component)
        .where(Component.page_id == page.id)
        .order_by(Component.position, Component.id)
    ).all()
    groups = session.scalars(
        select(ComponentGroup)
        .where(ComponentGroup.page_id == page.id)
        .order_by(ComponentGroup.position, ComponentGroup.id)
    ).all()
    periods = periods_of(
        session, [c.id for c in components], since=now - timedelta(days=UPTIME_DAYS + 1)
    )
    views = [
        ComponentView(
            c,
            uptime(periods.get(c.id, []), now=now, zone=zone, days=UPTIME_DAYS, since=c.created_at),
        )
        for c in components
    ]
    view = PageView(
        page=page,
        groups=_grouped(groups, views),
        components=views,
        indicator=indicator(c.status for c in components),
    )
    _incidents(session, view, now)
    stamps = [page.updated_at, *(c.updated_at for c in components)]
    stamps += [i.incident.updated_at for i in view.open_incidents + view.recent_incidents]
    stamps += [i.incident.updated_at for i in view.maintenance]
    view.last_modified = max(stamps)
    return view


def periods_of(
    session: Session, component_ids: Sequence[int], *, since: datetime
) -> dict[int, list[Period]]:
    """Each component's status periods that overlap `since` .. now, oldest first."""
    found: dict[int, list[Period]] = defaultdict(list)
    if not component_ids:
        return found
    rows = session.execute(
        select(
            StatusPeriod.component_id,
            StatusPeriod.status,
            StatusPeriod.started_at,
            StatusPeriod.ended_at,
        )
        .where(
            StatusPeriod.component_id.in_(list(component_ids)),
            StatusPeriod.status != "operational",
            or_(StatusPeriod.ended_at.is_(None), StatusPeriod.ended_at > since),
        )
        .order_by(StatusPeriod.component_id, StatusPeriod.started_at)
    )
    for component_id, status, started_at, ended_at in rows:
        found[component_id].append(Period(status, started_at, ended_at))
    return found


def _grouped(groups: Sequence[ComponentGroup], views: list[ComponentView]) -> list[GroupView]:
    members: dict[int | None, list[ComponentView]] = defaultdict(list)
    known = {group.id for group in groups}
    for view in views:
        key = view.component.group_id if view.component.group_id in known else None
        members[key].append(view)
    result = [GroupView(None, members[None])] if members[None] else []
    result += [GroupView(group, members[group.id]) for group in groups if members[group.id]]
    return result


def _incidents(session: Session, view: PageView, now: datetime) -> None:
    recent = now - timedelta(days=RECENT_DAYS)
    records = session.scalars(
        select(PublicIncident)
        .where(
            PublicIncident.page_id == view.page.id,
            PublicIncident.published_at.is_not(None),
            or_(PublicIncident.state.not_in(FINISHED), PublicIncident.resolved_at > recent),
        )
        .order_by(PublicIncident.created_at.desc(), PublicIncident.id.desc())
    ).all()
    updates = published_updates(session, [r.id for r in records])
    for record in records:
        item = IncidentView(record, updates.get(record.id, []))
        if record.kind == "maintenance":
            if record.state not in FINISHED:
                view.maintenance.append(item)
        elif record.state in FINISHED:
            view.recent_incidents.append(item)
        else:
            view.open_incidents.append(item)
    view.maintenance.sort(key=lambda item: item.incident.scheduled_for or now)


def published_updates(
    session: Session, incident_ids: Sequence[int]
) -> dict[int, list[PublicUpdate]]:
    found: dict[int, list[PublicUpdate]] = defaultdict(list)
    if not incident_ids:
        return found
    rows = session.scalars(
        select(PublicUpdate)
        .where(
            PublicUpdate.status_incident_id.in_(list(incident_ids)),
            PublicUpdate.published_at.is_not(None),
        )
        .order_by(PublicUpdate.published_at.desc(), PublicUpdate.id.desc())
    )
    for row in rows:
        found[row.status_incident_id].append(row)
    return found


def published_incidents(
    session: Session,
    page_id: int,
    *,
    kind: str,
    states: Sequence[str] | None = None,
    limit: int = 50,
) -> list[IncidentView]:
    """The page's newest published incidents (or maintenances), with their updates."""
    stmt = select(PublicIncident).where(
        PublicIncident.page_id == page_id,
        PublicIncident.kind == kind,
        PublicIncident.published_at.is_not(None),
    )
    if states is not None:
        stmt = stmt.where(PublicIncident.state.in_(list(states)))
    records = session.scalars(
        stmt.order_by(PublicIncident.created_at.desc(), PublicIncident.id.desc()).limit(limit)
    ).all()
    updates = published_updates(session, [r.id for r in records])
    return [IncidentView(r, updates.get(r.id, [])) for r in records]
