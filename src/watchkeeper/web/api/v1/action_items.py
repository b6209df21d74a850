"""`/api/v1/action-items`: create (alone, from an incident or a postmortem), list with
filters (mine, a team's, overdue), CSV, read, change and move through their statuses."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from fastapi.responses import StreamingResponse
from starlette.requests import Request

from watchkeeper.catalog.access.principal import Principal
from watchkeeper.core.ids import Id
from watchkeeper.core.text import inert_cell
from watchkeeper.response.actions import queries
from watchkeeper.response.actions import service as actions
from watchkeeper.response.actions.queries import CSV_COLUMNS, ActionFilter
from watchkeeper.response.actions.schemas import (
    ActionItemCreate,
    ActionItemOut,
    ActionItemUpdate,
    Status,
)
from watchkeeper.web.api.v1.incidents import actor_of
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import ApiResponder, ApiViewer, DbSession, Now, api_principal

router = APIRouter(tags=["action items"])


def action_filter(
    principal: Annotated[Principal, Depends(api_principal)],
    mine: Annotated[bool, Query(description="Only the caller's items")] = False,
    owner_id: Annotated[Id | None, Query()] = None,
    team_id: Annotated[Id | None, Query()] = None,
    status: Annotated[list[Status] | None, Query(description="Repeat for several")] = None,
    overdue: Annotated[bool, Query(description="Open items past their due date")] = False,
    postmortem_id: Annotated[Id | None, Query()] = None,
    incident_id: Annotated[Id | None, Query()] = None,
    problem_id: Annotated[Id | None, Query()] = None,
) -> ActionFilter:
    return ActionFilter(
        owner_id=principal.user_id if mine else owner_id,
        team_id=team_id,
        status=tuple(status or ()),
        overdue=overdue,
        postmortem_id=postmortem_id,
        incident_id=incident_id,
        problem_id=problem_id,
    )


Filter = Annotated[ActionFilter, Depends(action_filter)]


@router.get("/action-items", summary="List action items (soonest due first)")
def list_items(
    principal: ApiViewer, session: DbSession, now: Now, where: Filter
) -> list[ActionItemOut]:
    return queries.list_(session, where=where, today=actions.today(now, principal.time_zone))


@router.get(
    "/action-items.csv",
    summary="Export action items as CSV",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}}},
)
def export_items(
    principal: ApiViewer, request: Request, now: Now, where: Filter
) -> StreamingResponse:
    database = context_of(request).database
    today = actions.today(now, principal.time_zone)

    def rows() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(CSV_COLUMNS)
        with database.transaction(write=False) as session:
            for row in queries.csv_rows(session, where=where, today=today):
                writer.writerow([inert_cell(value) for value in row])
        yield buffer.getvalue()

    headers = {"Content-Disposition": 'attachment; filename="action-items.csv"'}
    return StreamingResponse(rows(), media_type="text/csv; charset=utf-8", headers=headers)


@router.post("/action-items", status_code=201, summary="Create an action item")
def create_item(
    principal: ApiResponder,
    session: DbSession,
    now: Now,
    body: ActionItemCreate,
    response: Response,
) -> ActionItemOut:
    item = actions.create(
        session, data=body, actor=actor_of(principal), zone=principal.time_zone, now=now
    )
    response.headers["Location"] = f"/api/v1/action-items/{item.id}"
    return queries.one(session, item, actions.today(now, principal.time_zone))


@router.get("/action-items/{item_id}", summary="Get an action item")
def get_item(principal: ApiViewer, session: DbSession, now: Now, item_id: Id) -> ActionItemOut:
    item = actions.get(session, item_id=item_id)
    return queries.one(session, item, actions.today(now, principal.time_zone))


@router.patch(
    "/action-items/{item_id}",
    summary="Change an action item; `status` moves it (`wont_do` needs `wont_do_reason`)",
)
def update_item(
    principal: ApiResponder, session: DbSession, now: Now, item_id: Id, body: ActionItemUpdate
) -> ActionItemOut:
    item = actions.update(session, item_id=item_id, data=body, actor=actor_of(principal), now=now)
    return queries.one(session, item, actions.today(now, principal.time_zone))
