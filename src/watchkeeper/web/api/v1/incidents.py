"""`/api/v1/incidents`: declare, list (with filters, sorting, paging, CSV), read, edit."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, Response
from fastapi.responses import StreamingResponse
from starlette.requests import Request

from watchkeeper.core.ids import Id
from watchkeeper.core.pagination import Page, PageRequest, Sort
from watchkeeper.core.text import inert_cell
from watchkeeper.incidents import queries
from watchkeeper.incidents import service as incidents
from watchkeeper.incidents.queries import CSV_COLUMNS, IncidentFilter
from watchkeeper.incidents.schemas import IncidentCreate, IncidentOut, IncidentUpdate, Source
from watchkeeper.incidents.timeline import Actor
from watchkeeper.web.api.v1.incident_views import incident_filter, incident_out
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import ApiResponder, ApiViewer, DbSession, Now, page_request

router = APIRouter(tags=["incidents"])

IncidentPage = Annotated[
    PageRequest,
    Depends(page_request(list(queries.SORTABLE), Sort("created_at", descending=True))),
]
Filter = Annotated[IncidentFilter, Depends(incident_filter)]


def actor_of(principal: ApiViewer) -> Actor:
    return Actor(principal.user_id, principal.login)


@router.get("/incidents", summary="List incidents")
def list_incidents(
    _: ApiViewer, session: DbSession, now: Now, where: Filter, page: IncidentPage
) -> Page[IncidentOut]:
    rows, next_cursor = queries.list_(session, where=where, page=page)
    rules = incidents.load_policy(session)
    items = [incident_out(row, rules, now) for row in rows]
    return Page[IncidentOut](items=items, next_cursor=next_cursor, limit=page.limit)


@router.get(
    "/incidents.csv",
    summary="Export incidents as CSV",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}}},
)
def export_incidents(_: ApiViewer, request: Request, where: Filter) -> StreamingResponse:
    """Every incident matching the filters, newest first, streamed."""
    database = context_of(request).database

    def rows() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        with database.transaction(write=False) as session:
            for index, row in enumerate(queries.csv_rows(session, where=where)):
                writer.writerow([inert_cell(value) for value in row])
                if index % 500 == 0:
                    yield buffer.getvalue()
                    buffer.seek(0)
                    buffer.truncate()
        yield buffer.getvalue()

    headers = {"Content-Disposition": 'attachment; filename="incidents.csv"'}
    return StreamingResponse(rows(), media_type="text/csv; charset=utf-8", headers=headers)


@router.post("/incidents", status_code=201, summary="Declare an incident")
def create_incident(
    principal: ApiResponder, session: DbSession, now: Now, body: IncidentCreate, response: Response
) -> IncidentOut:
    incident = incidents.create(
        session, data=body, actor=actor_of(principal), now=now, source=Source.API
    )
    response.headers["Location"] = f"/api/v1/incidents/{incident.id}"
    return incident_out(incident, incidents.load_policy(session), now)


@router.get("/incidents/{incident_id}", summary="Get an incident by id (= number)")
def get_incident(_: ApiViewer, session: DbSession, now: Now, incident_id: Id) -> IncidentOut:
    incident = incidents.get(session, incident_id=incident_id)
    return incident_out(incident, incidents.load_policy(session), now)


@router.patch("/incidents/{incident_id}", summary="Change an incident's fields")
def update_incident(
    principal: ApiResponder, session: DbSession, now: Now, incident_id: Id, body: IncidentUpdate
) -> IncidentOut:
    incident = incidents.update(
        session, incident_id=incident_id, data=body, actor=actor_of(principal), now=now
    )
    return incident_out(incident, incidents.load_policy(session), now)
