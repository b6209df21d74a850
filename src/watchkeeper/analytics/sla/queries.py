"""The two queries behind the SLA report: every counted incident's verdicts, and breaches."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from watchkeeper.analytics.dimensions import Dimension, group_columns, join_groups
from watchkeeper.analytics.ranges import ReportRange
from watchkeeper.analytics.scope import counted
from watchkeeper.analytics.sla.figures import BREACHED, ClockRow
from watchkeeper.catalog.services.models import Service
from watchkeeper.incidents.models import Incident


def verdicts(
    session: Session, *, window: ReportRange, by: Dimension, service_id: int | None
) -> Iterator[tuple[str, str, ClockRow, ClockRow]]:
    key, label = group_columns(by)
    query = join_groups(
        select(
            key,
            label,
            Incident.sla_ack,
            Incident.sla_ack_warned,
            Incident.sla_resolve,
            Incident.sla_resolve_warned,
        ).select_from(Incident),
        by,
    ).where(counted(window))
    if service_id is not None:
        query = query.where(Incident.service_id == service_id)
    for k, name, ack, ack_warned, resolve, resolve_warned in session.execute(query):
        group = k if k is not None else ""
        yield (
            group,
            name,
            ClockRow(group, name, ack, bool(ack_warned)),
            ClockRow(group, name, resolve, bool(resolve_warned)),
        )


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
