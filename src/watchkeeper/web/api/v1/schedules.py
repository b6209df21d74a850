"""`/api/v1/schedules`: on-call schedules, their layers and overrides, who is on call,
shifts, and calendar feeds. Viewers read, responders add overrides, admins edit."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from pydantic import AwareDatetime
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request

from watchkeeper.catalog.users.models import User
from watchkeeper.catalog.users.roles import Role
from watchkeeper.core.errors import NotFound
from watchkeeper.core.ids import Id
from watchkeeper.core.pagination import Page, PageRequest, Sort
from watchkeeper.oncall.schedules import feeds, queries
from watchkeeper.oncall.schedules import service as schedules
from watchkeeper.oncall.schedules.ical import MEDIA_TYPE
from watchkeeper.oncall.schedules.models import Layer
from watchkeeper.oncall.schedules.resolver import Shift
from watchkeeper.oncall.schedules.schemas import (
    FeedOut,
    LayerCreate,
    LayerOut,
    LayerShifts,
    LayerUpdate,
    OnCallOut,
    OverrideCreate,
    OverrideOut,
    ScheduleCreate,
    ScheduleOut,
    ScheduleUpdate,
    ShiftOut,
    ShiftsOut,
    UserBrief,
)
from watchkeeper.pipeline.escalation import service as escalation
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import (
    NO_STORE,
    ApiAdmin,
    ApiResponder,
    ApiSelfWriter,
    ApiViewer,
    DbSession,
    Now,
    page_request,
)

router = APIRouter(tags=["schedules"])

SchedulePage = Annotated[PageRequest, Depends(page_request(list(schedules.SORTABLE), Sort("name")))]
Moment = Annotated[AwareDatetime | None, Query(description="RFC 3339; default: now")]
DEFAULT_SPAN = timedelta(days=14)
CALENDAR: dict[int | str, dict[str, Any]] = {200: {"content": {"text/calendar": {}}}}
ONE = "/schedules/{schedule_id}"


def _one(session: Session, schedule_id: int) -> ScheduleOut:
    return queries.schedules_out(session, [schedules.get(session, schedule_id=schedule_id)])[0]


def _layer(session: Session, layer_id: int) -> LayerOut:
    layer = session.get(Layer, layer_id)
    assert layer is not None
    return queries.layer_out(
        layer, queries.participants_of(session, layer_ids=[layer_id])[layer_id]
    )


def feed_url(request: Request, kind: str, token: str) -> str:
    return f"{context_of(request).settings.resolved_base_url}/ical/{kind}/{token}.ics"


@router.get("/schedules", summary="List schedules")
def list_schedules(
    _: ApiViewer,
    session: DbSession,
    page: SchedulePage,
    owner_team_id: Id | None = None,
    q: Annotated[str | None, Query(max_length=200, description="Name contains")] = None,
) -> Page[ScheduleOut]:
    rows, next_cursor = schedules.list_(session, page=page, owner_team_id=owner_team_id, q=q)
    items = queries.schedules_out(session, rows)
    return Page[ScheduleOut](items=items, next_cursor=next_cursor, limit=page.limit)


@router.post("/schedules", status_code=201, summary="Create a schedule")
def create_schedule(
    _: ApiAdmin, session: DbSession, now: Now, body: ScheduleCreate, response: Response
) -> ScheduleOut:
    schedule = schedules.create(session, data=body, now=now)
    response.headers["Location"] = f"/api/v1/schedules/{schedule.id}"
    return _one(session, schedule.id)


@router.get(ONE, summary="Get a schedule with its layers")
def get_schedule(_: ApiViewer, session: DbSession, schedule_id: Id) -> ScheduleOut:
    return _one(session, schedule_id)


@router.patch(ONE, summary="Change a schedule")
def update_schedule(
    _: ApiAdmin, session: DbSession, now: Now, schedule_id: Id, body: ScheduleUpdate
) -> ScheduleOut:
    schedules.update(session, schedule_id=schedule_id, data=body, now=now)
    return _one(session, schedule_id)


@router.delete(ONE, status_code=204, summary="Delete a schedule, its layers and overrides")
def delete_schedule(_: ApiAdmin, session: DbSession, schedule_id: Id) -> None:
    escalation.delete_schedule(session, schedule_id=schedule_id)


@router.post(f"{ONE}/layers", status_code=201, summary="Add a layer")
def add_layer(
    _: ApiAdmin,
    session: DbSession,
    now: Now,
    schedule_id: Id,
    body: LayerCreate,
    response: Response,
) -> LayerOut:
    layer = schedules.add_layer(session, schedule_id=schedule_id, data=body, now=now)
    response.headers["Location"] = f"/api/v1/schedules/{schedule_id}/layers/{layer.id}"
    return _layer(session, layer.id)


@router.patch(f"{ONE}/layers/{{layer_id}}", summary="Change a layer")
def update_layer(
    _: ApiAdmin, session: DbSession, now: Now, schedule_id: Id, layer_id: Id, body: LayerUpdate
) -> LayerOut:
    schedules.update_layer(session, schedule_id=schedule_id, layer_id=layer_id, data=body, now=now)
    return _layer(session, layer_id)


@router.delete(f"{ONE}/layers/{{layer_id}}", status_code=204, summary="Delete a layer")
def delete_layer(_: ApiAdmin, session: DbSession, now: Now, schedule_id: Id, layer_id: Id) -> None:
    schedules.delete_layer(session, schedule_id=schedule_id, layer_id=layer_id, now=now)


@router.get(f"{ONE}/overrides", summary="A schedule's overrides")
def list_overrides(
    _: ApiViewer,
    session: DbSession,
    now: Now,
    schedule_id: Id,
    ending_after: Annotated[
        AwareDatetime | None, Query(description="Only overrides ending later; default: now")
    ] = None,
) -> list[OverrideOut]:
    """Current and future overrides by start (earlier ones with `ending_after`)."""
    rows = schedules.list_overrides(
        session, schedule_id=schedule_id, ending_after=ending_after or now
    )
    return [OverrideOut.model_validate(row) for row in rows]


@router.post(f"{ONE}/overrides", status_code=201, summary="Put someone on call for a while")
def add_override(
    principal: ApiResponder,
    session: DbSession,
    now: Now,
    schedule_id: Id,
    body: OverrideCreate,
    response: Response,
) -> OverrideOut:
    override = schedules.add_override(
        session, schedule_id=schedule_id, data=body, now=now, created_by_id=principal.user_id
    )
    response.headers["Location"] = f"/api/v1/schedules/{schedule_id}/overrides/{override.id}"
    return OverrideOut.model_validate(override)


@router.delete(f"{ONE}/overrides/{{override_id}}", status_code=204, summary="Remove an override")
def delete_override(_: ApiResponder, session: DbSession, schedule_id: Id, override_id: Id) -> None:
    schedules.delete_override(session, schedule_id=schedule_id, override_id=override_id)


def user_briefs(session: Session, user_ids: Iterable[int]) -> dict[int, UserBrief]:
    ids = set(user_ids)
    if not ids:
        return {}
    rows = session.scalars(select(User).where(User.id.in_(ids)))
    return {row.id: UserBrief.model_validate(row) for row in rows}


@router.get(f"{ONE}/on-call", summary="Who is on call (now, or at `at`)")
def on_call(
    _: ApiViewer, session: DbSession, now: Now, schedule_id: Id, at: Moment = None
) -> OnCallOut:
    moment = at or now
    schedule = schedules.get(session, schedule_id=schedule_id)
    outlook = schedules.outlook(session, schedule_ids=[schedule_id], at=moment)[schedule_id]
    user_ids = [shift.user_id for shift in outlook.current]
    briefs = user_briefs(session, user_ids)
    return OnCallOut(
        schedule_id=schedule_id,
        schedule_name=schedule.name,
        at=moment,
        user_ids=user_ids,
        users=[briefs[user_id] for user_id in user_ids],
        until=outlook.until,
    )


def _shifts_out(found: list[Shift]) -> list[ShiftOut]:
    return [ShiftOut.model_validate(shift) for shift in found]


@router.get(f"{ONE}/shifts", summary="Shifts in a time range (default: the next 14 days)")
def list_shifts(
    _: ApiViewer,
    session: DbSession,
    now: Now,
    schedule_id: Id,
    start: Moment = None,
    end: Annotated[AwareDatetime | None, Query(description="Default: start + 14 days")] = None,
    layers: Annotated[bool, Query(description="Add each layer's own shifts")] = False,
) -> ShiftsOut:
    """The final shifts (who is really on call, adjacent shifts merged), at most 366 days."""
    begin = start or now
    finish = end or begin + DEFAULT_SPAN
    final = schedules.shifts(session, schedule_id=schedule_id, start=begin, end=finish)
    out = ShiftsOut(schedule_id=schedule_id, start=begin, end=finish, final=_shifts_out(final))
    if layers:
        names = {layer.id: layer.name for layer in _one(session, schedule_id).layers}
        by_layer = schedules.layer_shifts(session, schedule_id=schedule_id, start=begin, end=finish)
        out.layers = [
            LayerShifts(layer_id=layer_id, name=names[layer_id], shifts=_shifts_out(found))
            for layer_id, found in by_layer.items()
        ]
    return out


@router.get(
    f"{ONE}/shifts.ics",
    summary="The next 60 days as iCalendar",
    response_class=Response,
    responses=CALENDAR,
)
def export_schedule(
    _: ApiViewer,
    session: DbSession,
    now: Now,
    schedule_id: Id,
    user_id: Annotated[Id | None, Query(description="Only this user's shifts")] = None,
) -> Response:
    schedule = schedules.get(session, schedule_id=schedule_id)
    body = feeds.schedule_feed(session, schedule=schedule, now=now, user_id=user_id)
    return Response(body, media_type=MEDIA_TYPE)


@router.post(
    f"{ONE}/ical-token",
    summary="A new calendar feed URL (the old one stops)",
    dependencies=[NO_STORE],
)
def rotate_schedule_feed(
    _: ApiAdmin, request: Request, session: DbSession, now: Now, schedule_id: Id
) -> FeedOut:
    token = feeds.rotate_schedule_token(session, schedule_id=schedule_id, now=now)
    return FeedOut(url=feed_url(request, "schedules", token))


@router.get(
    "/users/{user_id}/shifts.ics",
    tags=["users"],
    summary="A user's next 60 days of shifts as iCalendar",
    response_class=Response,
    responses=CALENDAR,
)
def export_user(_: ApiViewer, session: DbSession, now: Now, user_id: Id) -> Response:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"no user {user_id}")
    return Response(feeds.user_feed(session, user=user, now=now), media_type=MEDIA_TYPE)


@router.post(
    "/users/{user_id}/ical-token",
    tags=["users"],
    summary="A new URL for the feed of a user's shifts (the old one stops)",
    dependencies=[NO_STORE],
)
def rotate_user_feed(
    principal: ApiSelfWriter, request: Request, session: DbSession, now: Now, user_id: Id
) -> FeedOut:
    principal.require_self_or(user_id, Role.ADMIN)
    token = feeds.rotate_user_token(session, user_id=user_id, now=now)
    return FeedOut(url=feed_url(request, "users", token))
