"""The two queries behind the SLA report: every counted incident's verdicts, and breaches."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from watchkeeper.analytics.dimensions import Dimension, group_columns, join_groups
from watchkeeper.analytics.ranges import ReportRange
from watchkeeper.analytics.scope import counted
from watchkeeper.analytics.sla.figures import BREACHED, MET, PENDING, ClockFigures, GroupSla
from watchkeeper.catalog.services.models import Service
from watchkeeper.incidents.models import Incident


def verdicts(
    session: Session, *, window: ReportRange, by: Dimension, service_id: int | None
) -> list[GroupSla]:
    """Per group, how many of each clock's verdicts, warned or not: one GROUP BY."""
    key, label = group_columns(by)

    def tally(state: Any, warned: Any) -> list[Any]:
        def n(condition: Any) -> Any:
            return func.sum(case((condition, 1), else_=0))

        return [
            n(state == MET),
            n(state == BREACHED),
            n(state == PENDING),
            n((state == BREACHED) & warned),
            n((state == MET) & warned),
            n((state == PENDING) & warned),
        ]

    query = join_groups(
        select(
            key,
            func.max(label),
            func.count(),
            *tally(Incident.sla_ack, Incident.sla_ack_warned),
            *tally(Incident.sla_resolve, Incident.sla_resolve_warned),
        ).select_from(Incident),
        by,
    ).where(counted(window))
    if service_id is not None:
        query = query.where(Incident.service_id == service_id)
    out = []
    for row in session.execute(query.group_by(key)):
        numbers = [int(v or 0) for v in row[2:]]
        out.append(
            GroupSla(
                row[0] if row[0] is not None else "",
                row[1],
                numbers[0],
                ClockFigures(*numbers[1:7]),
                ClockFigures(*numbers[7:13]),
            )
        )
    return out


def breached(session: Session, *, window: ReportRange, service_id: int | None) -> list[Any]:
    """Incidents with a breached clock, with what the lateness needs."""
    query = (
        select(
            Incident.id,
            Incident.title,
            Service.name,
            Incident.priority,
            Incident.sla_ack,
            Incident.ack_due_at,
            Incident.acknowledged_at,
            Incident.sla_resolve,
            Incident.resolve_due_at,
            Incident.resolved_at,
            Incident.paused_since,
            Incident.status,
        )
        .join(Service, Service.id == Incident.service_id)
        .where(
            counted(window),
            or_(Incident.sla_ack == BREACHED, Incident.sla_resolve == BREACHED),
        )
    )
    if service_id is not None:
        query = query.where(Incident.service_id == service_id)
    return list(session.execute(query))


def stop_of_ack(acknowledged_at: datetime | None, resolved_at: datetime | None) -> datetime | None:
    """The acknowledge clock stops at the acknowledgement, or at resolution without one."""
    stops = [t for t in (acknowledged_at, resolved_at) if t is not None]
    return min(stops) if stops else None
