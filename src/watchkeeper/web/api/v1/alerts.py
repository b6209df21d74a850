"""`/api/v1/alerts`, an incident's alerts and recent changes, a service's changes."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from watchkeeper.core.errors import NotFound
from watchkeeper.core.ids import Id
from watchkeeper.core.pagination import Page, PageRequest, Sort
from watchkeeper.incidents import service as incidents
from watchkeeper.pipeline.correlate import queries
from watchkeeper.pipeline.correlate.models import Alert
from watchkeeper.pipeline.correlate.schemas import AlertDetail, AlertOut, ChangeOut, RawPayloadOut
from watchkeeper.web.deps import ApiViewer, DbSession, page_request

router = APIRouter(tags=["alerts"])

AlertPage = Annotated[
    PageRequest,
    Depends(page_request(list(queries.SORTABLE), Sort("last_seen_at", descending=True))),
]


@router.get("/alerts", summary="List alerts")
def list_alerts(
    _: ApiViewer,
    session: DbSession,
    page: AlertPage,
    state: Annotated[
        Literal["open", "suppressed", "resolved"] | None,
        Query(description="open (paging), suppressed (kept, never paging), resolved"),
    ] = None,
    service_id: Id | None = None,
    incident_id: Id | None = None,
    q: Annotated[
        str | None, Query(max_length=200, description="Summary or fingerprint contains")
    ] = None,
) -> Page[AlertOut]:
    rows, next_cursor = queries.list_(
        session, page=page, state=state, service_id=service_id, incident_id=incident_id, q=q
    )
    items = [AlertOut.model_validate(row) for row in rows]
    return Page[AlertOut](items=items, next_cursor=next_cursor, limit=page.limit)


@router.get("/alerts/counts", summary="How many alerts are open, suppressed and resolved")
def count_alerts(_: ApiViewer, session: DbSession) -> dict[str, int]:
    return queries.counts(session)


@router.get("/alerts/{alert_id}", summary="One alert, with the raw payload that last touched it")
def get_alert(_: ApiViewer, session: DbSession, alert_id: Id) -> AlertDetail:
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise NotFound(f"no alert {alert_id}")
    raw = queries.last_raw(session, alert)
    return AlertDetail(
        **AlertOut.model_validate(alert).model_dump(),
        raw=RawPayloadOut.model_validate(raw) if raw else None,
    )


@router.get("/incidents/{incident_id}/changes", tags=["incidents"], summary="Recent changes")
def incident_changes(_: ApiViewer, session: DbSession, incident_id: Id) -> list[ChangeOut]:
    """Changes on the incident's service from a day before it was declared until it was
    resolved."""
    incident = incidents.get(session, incident_id=incident_id)
    return [ChangeOut.model_validate(row) for row in queries.incident_changes(session, incident)]
