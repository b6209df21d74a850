"""Read side of a status page: what a visitor sees (components with uptime bars, open
and recent incidents, maintenance), in a few queries for the whole page."""

from __future__ import annotations

import threading
from collections import OrderedDict, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Float, cast, func, or_, select, union_all
from sqlalchemy.orm import Session

from watchkeeper.response.statuspage.models import (
    Component,
    ComponentGroup,
    PublicIncident,
    PublicUpdate,
    StatusPage,
    StatusPeriod,
)
from watchkeeper.response.statuspage.status import (
    DayGrid,
    Indicator,
    Period,
    Tally,
    Uptime,
    indicator,
    summarize,
    tally,
)

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


class BarCache:
    """The bars of finished days, kept per process. Status periods are only ever written
    at the present, so what a finished day shows never changes: once a component's past
    is known, a request reads and adds up only what overlaps today."""

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._store: OrderedDict[tuple[object, ...], Tally] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[object, ...]) -> Tally | None:
        with self._lock:
            found = self._store.get(key)
            if found is not None:
                self._store.move_to_end(key)
            return found

    def put(self, key: tuple[object, ...], value: Tally) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._store[key] = value
            while len(self._store) > self.size:
                self._store.popitem(last=False)


def _tallies(
    session: Session,
    components: Sequence[Component],
    grid: DayGrid,
    zone: str,
    bars: BarCache,
) -> dict[int, Tally]:
    """Each component's daily tally: finished days from the cache (or read once), today
    read every time."""
    today = len(grid.dates) - 1
    keys = {c.id: (c.id, c.created_at, zone, grid.dates[0]) for c in components}
    past = {c.id: found for c in components if (found := bars.get(keys[c.id])) is not None}
    unknown = [c.id for c in components if c.id not in past]
    result: dict[int, Tally] = {}
    if unknown:
        start = datetime.fromtimestamp(grid.starts[0], UTC)
        periods = periods_of(session, unknown, since=start)
        for cid in unknown:
            full = tally(periods.get(cid, []), grid=grid)
            result[cid] = full
            bars.put(keys[cid], Tally(full.down[:today], full.worst[:today]))
    if past:
        start = datetime.fromtimestamp(grid.starts[today], UTC)
        periods = periods_of(session, list(past), since=start)
        for cid, known in past.items():
            now = tally(periods.get(cid, []), grid=grid, first=today)
            result[cid] = Tally([*known.down, now.down[today]], [*known.worst, now.worst[today]])
    return result


def page_view(
    session: Session,
    page: StatusPage,
    *,
    now: datetime,
    bars: BarCache | None = None,
    with_uptime: bool = True,
) -> PageView:
    """What the page shows; `with_uptime=False` leaves the bars out (the JSON has none)."""
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
    if with_uptime:
        grid = DayGrid.of(now=now, zone=zone, days=UPTIME_DAYS)
        tallies = _tallies(session, components, grid, page.time_zone, bars or BarCache(0))
        views = [
            ComponentView(c, summarize(tallies[c.id], grid=grid, since=c.created_at))
            for c in components
        ]
    else:
        views = [ComponentView(c, Uptime([], None)) for c in components]
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
    """Each component's non-operational status periods that overlap `since` .. now.
    Closed and open periods are read apart, so that both reads go by the (component,
    end) index instead of through two years of periods; times come as timestamps, so
    thousands of rows need no datetime objects."""
    found: dict[int, list[Period]] = defaultdict(list)
    if not component_ids:
        return found
    sqlite = session.get_bind().dialect.name == "sqlite"
    columns = (
        StatusPeriod.component_id,
        StatusPeriod.status,
        _epoch(StatusPeriod.started_at, sqlite),
        _epoch(StatusPeriod.ended_at, sqlite),
    )
    ids = StatusPeriod.component_id.in_(list(component_ids))
    broken = StatusPeriod.status != "operational"
    closed = select(*columns).where(ids, StatusPeriod.ended_at > since, broken)
    still = select(*columns).where(ids, StatusPeriod.ended_at.is_(None), broken)
    for component_id, status, started, ended in session.execute(union_all(closed, still)).all():
        found[component_id].append(Period(status, started, ended))
    return found


def _epoch(column: Any, sqlite: bool) -> ColumnElement[float]:
    """Seconds since 1970 (UTC), computed by the database."""
    if sqlite:  # stored as UTC text; julianday counts days from 4714 BC
        return cast((func.julianday(column) - 2440587.5) * 86400.0, Float)
    return cast(func.extract("epoch", column), Float)


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
