"""The queries behind the noise report: alerts first seen in the range, and what became
of their incidents (acknowledged, resolved, closed how, pages sent)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from watchkeeper.analytics.noise.figures import AlertRow, IncidentOutcome
from watchkeeper.analytics.ranges import ReportRange
from watchkeeper.catalog.services.models import Service
from watchkeeper.incidents.models import Incident
from watchkeeper.pipeline.correlate.models import Alert
from watchkeeper.pipeline.escalation.models import Page

_CHUNK = 5000  # ids per IN list: far below every driver's parameter limit


def alerts(session: Session, *, window: ReportRange, service_id: int | None) -> list[AlertRow]:
    query = (
        select(
            Alert.id,
            Alert.service_id,
            Service.name,
            Alert.fingerprint,
            Alert.summary,
            Alert.first_seen_at,
            Alert.resolved_at,
            Alert.count,
            Alert.incident_id,
            Alert.flapping,
            Alert.suppressed_reason,
            Alert.labels,
        )
        .join(Service, Service.id == Alert.service_id)
        .where(Alert.first_seen_at >= window.start, Alert.first_seen_at < window.end)
    )
    if service_id is not None:
        query = query.where(Alert.service_id == service_id)
    return [_row(row) for row in session.execute(query)]


def _row(row: Any) -> AlertRow:
    labels: dict[str, str] = row.labels or {}
    return AlertRow(
        id=row.id,
        service_id=row.service_id,
        service=row.name,
        fingerprint=row.fingerprint,
        alertname=labels.get("alertname") or row.summary[:100],
        first_seen_at=row.first_seen_at,
        resolved_at=row.resolved_at,
        count=row.count,
        incident_id=row.incident_id,
        flapping=bool(row.flapping),
        suppressed=row.suppressed_reason is not None,
        labels=labels,
    )


def outcomes(session: Session, incident_ids: Iterable[int]) -> dict[int, IncidentOutcome]:
    ids = sorted(set(incident_ids))
    found: dict[int, IncidentOutcome] = {}
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        counted = session.execute(
            select(Page.incident_id, func.count())
            .where(Page.incident_id.in_(chunk))
            .group_by(Page.incident_id)
        )
        pages: dict[int, int] = {int(row[0]): int(row[1]) for row in counted}
        rows = session.execute(
            select(
                Incident.id,
                Incident.acknowledged_at,
                Incident.resolved_at,
                Incident.resolution_code,
            ).where(Incident.id.in_(chunk))
        )
        for number, acked, resolved, code in rows:
            found[number] = IncidentOutcome(
                acknowledged=acked is not None,
                resolved=resolved is not None,
                resolution_code=code,
                pages=pages.get(number, 0),
            )
    return found


def group_windows(session: Session, service_ids: Iterable[int]) -> dict[int, int]:
    ids = sorted(set(service_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(Service.id, Service.group_window_minutes).where(Service.id.in_(ids))
    )
    return {int(row[0]): int(row[1]) for row in rows}
