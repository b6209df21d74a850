"""Schedule pages: the list with who is on call now and next, a schedule's two-week
timeline with its layer and override forms; and the calendar feeds, opened by the token in
their URL alone so that calendar apps can subscribe."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, NaiveDatetime, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from watchkeeper.catalog.teams.models import Team
from watchkeeper.catalog.users.models import User
from watchkeeper.catalog.users.schemas import Login
from watchkeeper.core.errors import FieldError, Invalid, NotFound
from watchkeeper.core.ids import Id
from watchkeeper.core.validation import problems
from watchkeeper.oncall.schedules import feeds, queries
from watchkeeper.oncall.schedules import service as schedules
from watchkeeper.oncall.schedules.gaps import gaps
from watchkeeper.oncall.schedules.ical import MEDIA_TYPE
from watchkeeper.oncall.schedules.notation import format_windows, parse_windows
from watchkeeper.oncall.schedules.resolver import Shift
from watchkeeper.oncall.schedules.schemas import (
    LayerCreate,
    LayerUpdate,
    OverrideCreate,
    ScheduleCreate,
    ScheduleOut,
    ScheduleUpdate,
)
from watchkeeper.oncall.schedules.wallclock import instant
from watchkeeper.pipeline.escalation import queries as escalation_queries
from watchkeeper.pipeline.escalation import service as escalation
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import NO_STORE, FormBody, UiAdmin, UiResponder, UiViewer
from watchkeeper.web.ui.routes.forms import attempt, called, submit, validation_messages
from watchkeeper.web.ui.templating import render, saved

router = APIRouter()
TIMELINE = timedelta(days=14)
M = TypeVar("M", bound=BaseModel)


class ScheduleForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    time_zone: str
    owner_team_id: Id | None = None
    description: str = ""


class LayerForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str
    position: int | None = None
    participants: str = Field(description="Logins in turn order, separated by spaces.")
    rotation: str
    rotation_length: int = 1
    handoff_time: str = "09:00"
    start: str
    end: str | None = None
    restrictions: str = ""


class OverrideForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    login: Login
    starts_at: NaiveDatetime
    ends_at: NaiveDatetime


@dataclass(frozen=True)
class Bar:
    """One shift on the timeline, placed in percent of its width."""

    left: float
    width: float
    login: str
    hue: int
    title: str
    override: bool


def _bars(found: list[Shift], start: datetime, logins: dict[int, str], zone: str) -> list[Bar]:
    total = TIMELINE.total_seconds()
    where = ZoneInfo(zone)
    return [
        Bar(
            left=100 * (shift.start - start).total_seconds() / total,
            width=100 * (shift.end - shift.start).total_seconds() / total,
            login=logins.get(shift.user_id, f"#{shift.user_id}"),
            hue=shift.user_id * 137 % 360,
            title=f"{logins.get(shift.user_id, shift.user_id)}: "
            f"{shift.start.astimezone(where):%a %d %b %H:%M} to "
            f"{shift.end.astimezone(where):%a %d %b %H:%M}",
            override=shift.is_override,
        )
        for shift in found
    ]


def _days(start: datetime, zone: str) -> list[tuple[float, str]]:
    """Each local midnight of the timeline, in percent, with its date."""
    where, total = ZoneInfo(zone), TIMELINE.total_seconds()
    day = start.astimezone(where).date()
    ticks = []
    for offset in range(TIMELINE.days):
        moment = instant(datetime.combine(day + timedelta(days=offset), time()), where)
        ticks.append(
            (100 * (moment - start).total_seconds() / total, f"{moment.astimezone(where):%a %d}")
        )
    return ticks


def _people(session: Session) -> dict[int, User]:
    return {user.id: user for user in session.scalars(select(User).order_by(User.login))}


def _teams(session: Session) -> dict[int, str]:
    return {team.id: team.name for team in session.scalars(select(Team).order_by(Team.name))}


def _list_page(request: Request, **extra: Any) -> Response:
    now = context_of(request).clock.now()

    def load(session: Session) -> dict[str, Any]:
        rows = schedules.all_(session)
        return {
            "schedules": rows,
            "outlook": schedules.outlook(session, schedule_ids=[r.id for r in rows], at=now),
            "people": _people(session),
            "teams": _teams(session),
        }

    context = context_of(request).database.run(load, write=False)
    status = 422 if extra.get("errors") else 200
    return render(request, "schedules/list.html", {**context, **extra}, status_code=status)


@router.get("/schedules")
def list_schedules(request: Request, _: UiViewer) -> Response:
    return _list_page(request)


def _validated(model: type[M], fields: dict[str, Any]) -> M:
    """`model` from form values; what is wrong becomes a message above the form."""
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        found = [FieldError(item.location, item.phrase) for item in problems(exc.errors())]
        raise Invalid("; ".join(validation_messages(exc)), errors=found) from None


@router.post("/schedules")
def create_schedule(request: Request, _: UiAdmin, form: FormBody) -> Response:
    now = context_of(request).clock.now()

    def action(session: Session, data: ScheduleForm) -> int:
        created = _validated(ScheduleCreate, data.model_dump())
        return schedules.create(session, data=created, now=now).id

    outcome = submit(request, ScheduleForm, form, action)
    if not outcome.ok:
        return _list_page(request, errors=outcome.errors)
    return saved(f"/schedules/{outcome.value}", f"Schedule{called(form)} created")


def _schedule_page(request: Request, schedule_id: int, **extra: Any) -> Response:
    ctx = context_of(request)
    now, zone = ctx.clock.now(), getattr(request.state, "time_zone", "UTC")
    where = ZoneInfo(zone)
    start = instant(datetime.combine(now.astimezone(where).date(), time()), where)

    def load(session: Session) -> dict[str, Any]:
        schedule = schedules.get(session, schedule_id=schedule_id)
        people = _people(session)
        logins = {user_id: user.login for user_id, user in people.items()}
        end = start + TIMELINE
        layers = schedules.layer_shifts(session, schedule_id=schedule_id, start=start, end=end)
        shown = queries.schedules_out(session, [schedule])[0]
        rows = [
            (layer.name, _bars(layers[layer.id], start, logins, zone)) for layer in shown.layers
        ]
        final = schedules.shifts(session, schedule_id=schedule_id, start=start, end=end)
        ahead = schedules.shifts(session, schedule_id=schedule_id, start=now, end=now + TIMELINE)
        return {
            "used_by": escalation_queries.users_of_schedule(session, schedule_id=schedule_id),
            "gaps": gaps(ahead, now, now + TIMELINE),
            "schedule": shown,
            "people": people,
            "logins": logins,
            "teams": _teams(session),
            "rows": rows,
            "final": _bars(final, start, logins, zone),
            "upcoming": [s for s in final if s.end > now][:20],
            "outlook": schedules.outlook(session, schedule_ids=[schedule_id], at=now)[schedule_id],
            "overrides": schedules.list_overrides(
                session, schedule_id=schedule_id, ending_after=now
            ),
        }

    context = ctx.database.run(load, write=False)
    context |= {"days": _days(start, zone), "now_at": 100 * (now - start) / TIMELINE}
    context["never_covered"] = [(g.start, g.end) for g in context["gaps"]] == [
        (now, now + TIMELINE)
    ]
    context |= _layer_context(context["schedule"], now)
    status = extra.pop("status", 422) if extra.get("errors") else 200
    return render(request, "schedules/show.html", {**context, **extra}, status_code=status)


def _layer_context(schedule: ScheduleOut, now: datetime) -> dict[str, Any]:
    """What the layer forms show: restrictions as text, names, a start for a new layer
    (now: a layer that starts later leaves nobody on call until then)."""
    local = now.astimezone(ZoneInfo(schedule.time_zone)).replace(tzinfo=None)
    return {
        "restrictions": {
            layer.id: format_windows([item.model_dump() for item in layer.restrictions])
            for layer in schedule.layers
        },
        "layer_names": {layer.id: layer.name for layer in schedule.layers},
        "default_start": local.replace(second=0, microsecond=0),
    }


@router.get("/schedules/{schedule_id}")
def show_schedule(request: Request, _: UiViewer, schedule_id: Id) -> Response:
    return _schedule_page(request, schedule_id)


def _after(request: Request, schedule_id: int, outcome_errors: list[str], **extra: Any) -> Response:
    if outcome_errors:
        return _schedule_page(request, schedule_id, errors=outcome_errors)
    if extra:
        return _schedule_page(request, schedule_id, **extra)
    return RedirectResponse(f"/schedules/{schedule_id}", status_code=303)


@router.post("/schedules/{schedule_id}")
def update_schedule(request: Request, _: UiAdmin, schedule_id: Id, form: FormBody) -> Response:
    now = context_of(request).clock.now()

    def action(session: Session, data: ScheduleForm) -> None:
        # Every field is sent, so an empty team select clears the owner.
        changes = _validated(ScheduleUpdate, data.model_dump())
        schedules.update(session, schedule_id=schedule_id, data=changes, now=now)

    return _after(request, schedule_id, submit(request, ScheduleForm, form, action).errors)


@router.post("/schedules/{schedule_id}/delete")
def delete_schedule(request: Request, _: UiAdmin, schedule_id: Id) -> Response:
    outcome = attempt(request, lambda s: escalation.delete_schedule(s, schedule_id=schedule_id))
    if not outcome.ok:
        return _schedule_page(request, schedule_id, errors=outcome.errors, status=outcome.status)
    return saved("/schedules", "Schedule deleted")


def _user_ids(session: Session, logins: str, field: str) -> list[int]:
    names = [name.lower() for name in logins.replace(",", " ").split()]
    found = dict(session.execute(select(User.login, User.id).where(User.login.in_(names))).all())
    unknown = [name for name in names if name not in found]
    if unknown:
        raise Invalid(f"no user {', '.join(unknown)}", errors=[FieldError(field, "no such login")])
    return [found[name] for name in names]


def _layer_data(session: Session, form: LayerForm) -> LayerCreate:
    fields = form.model_dump(exclude_none=True)
    fields["participants"] = _user_ids(session, form.participants, "participants")
    fields["restrictions"] = parse_windows(form.restrictions)
    return _validated(LayerCreate, fields)


def _layer_action(schedule_id: int, layer_id: int | None, now: datetime) -> Callable[..., None]:
    def action(session: Session, form: LayerForm) -> None:
        data = _layer_data(session, form)
        if layer_id is None:
            schedules.add_layer(session, schedule_id=schedule_id, data=data, now=now)
            return
        patch = LayerUpdate.model_validate(data.model_dump(exclude_none=True) | {"end": data.end})
        schedules.update_layer(
            session, schedule_id=schedule_id, layer_id=layer_id, data=patch, now=now
        )

    return action


@router.post("/schedules/{schedule_id}/layers")
def add_layer(request: Request, _: UiAdmin, schedule_id: Id, form: FormBody) -> Response:
    action = _layer_action(schedule_id, None, context_of(request).clock.now())
    return _after(request, schedule_id, submit(request, LayerForm, form, action).errors)


@router.post("/schedules/{schedule_id}/layers/{layer_id}")
def update_layer(
    request: Request, _: UiAdmin, schedule_id: Id, layer_id: Id, form: FormBody
) -> Response:
    action = _layer_action(schedule_id, layer_id, context_of(request).clock.now())
    return _after(request, schedule_id, submit(request, LayerForm, form, action).errors)


@router.post("/schedules/{schedule_id}/layers/{layer_id}/delete")
def delete_layer(request: Request, _: UiAdmin, schedule_id: Id, layer_id: Id) -> Response:
    now = context_of(request).clock.now()
    outcome = attempt(
        request,
        lambda s: schedules.delete_layer(s, schedule_id=schedule_id, layer_id=layer_id, now=now),
    )
    return _after(request, schedule_id, outcome.errors)


@router.post("/schedules/{schedule_id}/overrides")
def add_override(
    request: Request, principal: UiResponder, schedule_id: Id, form: FormBody
) -> Response:
    now = context_of(request).clock.now()
    zone = ZoneInfo(principal.time_zone)

    def action(session: Session, data: OverrideForm) -> None:
        span = OverrideCreate(
            user_id=_user_ids(session, data.login, "login")[0],
            starts_at=instant(data.starts_at, zone),
            ends_at=instant(data.ends_at, zone),
        )
        schedules.add_override(
            session, schedule_id=schedule_id, data=span, now=now, created_by_id=principal.user_id
        )

    return _after(request, schedule_id, submit(request, OverrideForm, form, action).errors)


@router.post("/schedules/{schedule_id}/overrides/{override_id}/delete")
def delete_override(request: Request, _: UiResponder, schedule_id: Id, override_id: Id) -> Response:
    outcome = attempt(
        request,
        lambda s: schedules.delete_override(s, schedule_id=schedule_id, override_id=override_id),
    )
    return _after(request, schedule_id, outcome.errors)


@router.post("/schedules/{schedule_id}/ical-token", dependencies=[NO_STORE])
def rotate_feed(request: Request, _: UiAdmin, schedule_id: Id) -> Response:
    ctx = context_of(request)
    now = ctx.clock.now()
    outcome = attempt(
        request, lambda s: feeds.rotate_schedule_token(s, schedule_id=schedule_id, now=now)
    )
    if not outcome.ok or outcome.value is None:
        return _after(request, schedule_id, outcome.errors)
    url = f"{ctx.settings.resolved_base_url}/ical/schedules/{outcome.value}.ics"
    return _after(request, schedule_id, [], feed_url=url)


def _calendar(body: bytes | None) -> Response:
    if body is None:
        raise NotFound("no such calendar feed")
    return Response(body, media_type=MEDIA_TYPE, headers={"Cache-Control": "private, max-age=300"})


@router.get("/ical/schedules/{token}.ics")
def schedule_calendar(request: Request, token: str) -> Response:
    now = context_of(request).clock.now()

    def load(session: Session) -> bytes | None:
        schedule = feeds.schedule_for(session, token=token)
        return feeds.schedule_feed(session, schedule=schedule, now=now) if schedule else None

    return _calendar(context_of(request).database.run(load, write=False))


@router.get("/ical/users/{token}.ics")
def user_calendar(request: Request, token: str) -> Response:
    now = context_of(request).clock.now()

    def load(session: Session) -> bytes | None:
        user = feeds.user_for(session, token=token)
        return feeds.user_feed(session, user=user, now=now) if user else None

    return _calendar(context_of(request).database.run(load, write=False))
