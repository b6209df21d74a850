"""The one query behind the response report: the times of every counted incident."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.analytics.dimensions import Dimension, group_columns, join_groups
from watchkeeper.analytics.ranges import ReportRange
from watchkeeper.analytics.response.figures import IncidentTimes
from watchkeeper.analytics.scope import counted
from watchkeeper.incidents.models import Incident


def incident_times(
    session: Session, *, window: ReportRange, by: Dimension, service_id: int | None = None
) -> Iterator[IncidentTimes]:
    key, label = group_columns(by)
    query = join_groups(
        select(
            key,
            label,
            Incident.created_at,
            Incident.acknowledged_at,
            Incident.resolved_at,
            Incident.paused_seconds,
        ).select_from(Incident),
        by,
    ).where(counted(window))
    if service_id is not None:
        query = query.where(Incident.service_id == service_id)
    for row in session.execute(query.order_by(Incident.created_at, Incident.id)):
        yield IncidentTimes(
            key=row[0] if row[0] is not None else "",
            label=row[1],
            created_at=row[2],
            acknowledged_at=row[3],
            resolved_at=row[4],
            paused_seconds=row[5],
        )
