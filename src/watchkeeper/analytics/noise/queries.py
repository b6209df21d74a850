"""The noise figures, each defined once in SQL over the alerts first seen in the range:

- alerts: firing episodes; events: the triggers they received (`count`);
- gone by itself: resolved by the source within N minutes of first firing;
- flapping / suppressed: kept as flapping / kept without paging;
- incidents: distinct incidents the alerts opened or joined; pages: page rows of those;
- never acknowledged: those incidents resolved with no acknowledgement;
- no action: those incidents closed as `no_fault_found` or `cancelled`.

Groups are (service, fingerprint) or (service, alert name: the `alertname` label, else
the summary); ranked in the database by pages, alerts, events.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select, tuple_
from sqlalchemy.orm import Session

from watchkeeper.analytics.noise.figures import NO_ACTION_CODES, NoiseFigures, Totals
from watchkeeper.analytics.ranges import ReportRange
from watchkeeper.analytics.sql import is_sqlite, seconds_between
from watchkeeper.catalog.services.models import Service
from watchkeeper.incidents.models import Incident
from watchkeeper.pipeline.correlate.models import Alert
from watchkeeper.pipeline.escalation.models import Page
from watchkeeper.response.drills.queries import not_a_drill_alert


def _n(condition: ColumnElement[bool]) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def alert_name() -> ColumnElement[str]:
    return func.coalesce(Alert.labels["alertname"].as_string(), func.substr(Alert.summary, 1, 100))


def _where(window: ReportRange, service_id: int | None) -> list[ColumnElement[bool]]:
    found = [
        Alert.first_seen_at >= window.start,
        Alert.first_seen_at < window.end,
        not_a_drill_alert(),
    ]
    if service_id is not None:
        found.append(Alert.service_id == service_id)
    return found


def _quick(session: Session, quick_seconds: int) -> ColumnElement[bool]:
    elapsed = seconds_between(is_sqlite(session), Alert.resolved_at, Alert.first_seen_at)
    return and_(Alert.resolved_at.is_not(None), elapsed < quick_seconds)


def _incident_figures(subquery: Any) -> list[Any]:
    return [
        func.count(),
        _n(and_(Incident.acknowledged_at.is_(None), Incident.resolved_at.is_not(None))),
        _n(Incident.resolution_code.in_(NO_ACTION_CODES)),
    ]


def noisiest(
    session: Session,
    *,
    window: ReportRange,
    service_id: int | None,
    by_name: bool,
    quick_seconds: int,
    limit: int,
) -> list[NoiseFigures]:
    where = _where(window, service_id)
    group = alert_name() if by_name else Alert.fingerprint
    alerts = (
        select(
            Alert.service_id.label("s"),
            group.label("g"),
            func.count().label("alerts"),
            func.sum(Alert.count).label("events"),
            _n(_quick(session, quick_seconds)).label("quick"),
            _n(Alert.flapping.is_(True)).label("flapping"),
            _n(Alert.suppressed_reason.is_not(None)).label("suppressed"),
            func.max(Alert.id).label("last_id"),
            func.max(alert_name()).label("name"),
        )
        .where(*where)
        .group_by(Alert.service_id, group)
        .subquery("a")
    )
    touched = (
        select(Alert.service_id.label("s"), group.label("g"), Alert.incident_id.label("i"))
        .where(*where, Alert.incident_id.is_not(None))
        .group_by(Alert.service_id, group, Alert.incident_id)
        .subquery("t")
    )
    paged = (
        select(Page.incident_id.label("i"), func.count().label("n"))
        .where(Page.incident_id.in_(select(touched.c.i)))
        .group_by(Page.incident_id)
        .subquery("p")
    )
    count, never, no_action = _incident_figures(touched)
    incidents = (
        select(
            touched.c.s,
            touched.c.g,
            count.label("incidents"),
            never.label("never"),
            no_action.label("no_action"),
            func.coalesce(func.sum(paged.c.n), 0).label("pages"),
        )
        .join(Incident, Incident.id == touched.c.i)
        .outerjoin(paged, paged.c.i == touched.c.i)
        .group_by(touched.c.s, touched.c.g)
        .subquery("n")
    )
    pages = func.coalesce(incidents.c.pages, 0)
    query = (
        select(
            alerts,
            Service.name,
            func.coalesce(incidents.c.incidents, 0),
            func.coalesce(incidents.c.never, 0),
            func.coalesce(incidents.c.no_action, 0),
            pages,
        )
        .join(Service, Service.id == alerts.c.s)
        .outerjoin(incidents, and_(incidents.c.s == alerts.c.s, incidents.c.g == alerts.c.g))
        .order_by(pages.desc(), alerts.c.alerts.desc(), alerts.c.events.desc(), Service.name)
        .order_by(alerts.c.g)
        .limit(limit)
    )
    out = []
    for row in session.execute(query):
        s, g, n_alerts, events, quick, flapping, suppressed, last_id, name = row[:9]
        service, n_incidents, never_acked, no_action_n, n_pages = row[9:]
        out.append(
            NoiseFigures(
                service_id=int(s),
                service=service,
                name=name,
                fingerprint=None if by_name else g,
                last_alert_id=int(last_id),
                alerts=int(n_alerts),
                events=int(events or 0),
                incidents=int(n_incidents),
                pages=int(n_pages),
                quick_resolved=int(quick),
                never_acknowledged=int(never_acked),
                flapping=int(flapping),
                suppressed=int(suppressed),
                no_action=int(no_action_n),
            )
        )
    _add_labels(session, out, by_name)
    return out


def _add_labels(session: Session, found: list[NoiseFigures], by_name: bool) -> None:
    ids = [f.last_alert_id for f in found]
    if not ids:
        return
    rows = session.execute(select(Alert.id, Alert.labels).where(Alert.id.in_(ids)))
    labels = {int(row[0]): dict(row[1] or {}) for row in rows}
    for figures in found:
        figures.labels = labels.get(figures.last_alert_id, {})
        if by_name and "alertname" not in figures.labels:
            figures.labels = {}


def previous_alerts(
    session: Session, *, window: ReportRange, found: list[NoiseFigures], by_name: bool
) -> None:
    """Fill each group's alert count in `window` (the period before), for before/after."""
    if not found:
        return
    group = alert_name() if by_name else Alert.fingerprint
    keys = [(f.service_id, f.name if by_name else f.fingerprint) for f in found]
    query = (
        select(Alert.service_id, group, func.count())
        .where(*_where(window, None), tuple_(Alert.service_id, group).in_(keys))
        .group_by(Alert.service_id, group)
    )
    counts = {(int(s), str(g)): int(n) for s, g, n in session.execute(query)}
    for f, key in zip(found, keys, strict=True):
        f.previous_alerts = counts.get((key[0], str(key[1])), 0)


def totals(
    session: Session, *, window: ReportRange, service_id: int | None, quick_seconds: int
) -> Totals:
    where = _where(window, service_id)
    alerts, quick, flapping = session.execute(
        select(
            func.count(), _n(_quick(session, quick_seconds)), _n(Alert.flapping.is_(True))
        ).where(*where)
    ).one()
    touched = select(Alert.incident_id).where(*where, Alert.incident_id.is_not(None))
    _, never, no_action = _incident_figures(None)
    never_n, no_action_n = session.execute(
        select(never, no_action).where(Incident.id.in_(touched))
    ).one()
    return Totals(int(alerts), int(quick), int(flapping), int(never_n), int(no_action_n))


def group_windows(session: Session, service_ids: list[int]) -> dict[int, int]:
    if not service_ids:
        return {}
    rows = session.execute(
        select(Service.id, Service.group_window_minutes).where(Service.id.in_(service_ids))
    )
    return {int(row[0]): int(row[1]) for row in rows}
