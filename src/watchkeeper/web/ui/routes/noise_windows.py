"""Maintenance windows page: every window with whether it holds alerts back now and when
that next changes; a create form (once, or weekly in a time zone) and delete."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from watchkeeper.catalog.access.principal import Principal
from watchkeeper.catalog.users.roles import Role
from watchkeeper.core.ids import Id
from watchkeeper.pipeline.correlate.noise import service as noise
from watchkeeper.pipeline.correlate.noise.models import MaintenanceWindow
from watchkeeper.pipeline.correlate.noise.schemas import WindowCreate
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import FormBody, UiResponder, UiViewer
from watchkeeper.web.ui.routes.forms import attempt, parse_form
from watchkeeper.web.ui.routes.noise_forms import (
    can,
    local_moment,
    parse_duration,
    save,
    service_names,
    zone_of,
)
from watchkeeper.web.ui.templating import render

router = APIRouter(prefix="/maintenance-windows")
HERE = "/maintenance-windows"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class WindowForm(BaseModel):
    """The create form as typed; only the fields of the chosen kind are read."""

    model_config = ConfigDict(extra="forbid")

    service_id: Id | None = None
    name: str = ""
    kind: Literal["once", "weekly"] = "once"
    time_zone: str = "UTC"
    starts_at: str = ""
    ends_at: str = ""
    weekdays: list[int] = Field(default_factory=list)
    start_time: str = ""
    duration: str = ""


@dataclass(frozen=True)
class WindowRow:
    window: MaintenanceWindow
    when: str
    active: bool
    change: Literal["ends", "starts", "ended"]
    change_at: datetime | None


def window_data(form: FormData) -> WindowCreate:
    data = parse_form(WindowForm, form, lists=("weekdays",))
    fields: dict[str, Any] = {
        "service_id": data.service_id,
        "name": data.name.strip(),
        "time_zone": data.time_zone.strip(),
    }
    if data.kind == "weekly":
        length = parse_duration(data.duration, "lasts") if data.duration.strip() else None
        fields |= {
            "weekdays": data.weekdays or None,
            "start_time": data.start_time.strip()[:5] or None,
            "duration_minutes": int(length.total_seconds() // 60) if length else None,
        }
    else:
        zone = zone_of(data.time_zone.strip())
        fields |= {
            "starts_at": local_moment(data.starts_at, zone, "starts"),
            "ends_at": local_moment(data.ends_at, zone, "ends"),
        }
    return WindowCreate.model_validate(fields)


def describe(window: MaintenanceWindow) -> str:
    """`Sunday at 02:00 for 2 h (Europe/Berlin)`; one-off windows are shown as times."""
    if not (window.weekdays and window.start_time and window.duration_minutes):
        return "once"
    days = ", ".join(WEEKDAYS[day] for day in window.weekdays)
    hours, minutes = divmod(window.duration_minutes, 60)
    length = " ".join(
        part
        for part in (f"{hours} h" if hours else "", f"{minutes} min" if minutes else "")
        if part
    )
    return f"every {days} at {window.start_time} for {length} ({window.time_zone})"


def _current_end(window: MaintenanceWindow, now: datetime) -> datetime | None:
    """When the occurrence that holds alerts back at `now` ends."""
    if window.ends_at is not None:
        return window.ends_at
    if not (window.weekdays and window.start_time and window.duration_minutes):
        return None
    zone = zone_of(window.time_zone)
    hour, minute = (int(part) for part in window.start_time.split(":"))
    length = timedelta(minutes=window.duration_minutes)
    today = now.astimezone(zone).date()
    ends = []
    for back in range(length.days + 2):
        day = today - timedelta(days=back)
        start = datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(UTC)
        if day.weekday() in window.weekdays and start <= now < start + length:
            ends.append(start + length)
    return max(ends, default=None)


def _row(window: MaintenanceWindow, now: datetime) -> WindowRow:
    active, next_start = noise.schedule(window, now)
    if active:
        return WindowRow(window, describe(window), True, "ends", _current_end(window, now))
    if next_start is not None:
        return WindowRow(window, describe(window), False, "starts", next_start)
    return WindowRow(window, describe(window), False, "ended", window.ends_at)


def _page(
    request: Request, principal: Principal, draft: FormData, *, status: int = 200, **extra: Any
) -> Response:
    now = context_of(request).clock.now()

    def load(session: Session) -> dict[str, Any]:
        return {
            "windows": [_row(window, now) for window in noise.list_windows(session)],
            "services": service_names(session),
        }

    context = context_of(request).database.run(load, write=False)
    context |= {
        "draft": draft,
        "can_edit": can(principal, Role.RESPONDER),
        "weekdays": list(enumerate(WEEKDAYS)),
    }
    return render(request, "noise/windows.html", {**context, **extra}, status_code=status)


@router.get("")
def list_windows(request: Request, principal: UiViewer) -> Response:
    return _page(request, principal, FormData())


@router.post("")
def create_window(request: Request, principal: UiResponder, form: FormBody) -> Response:
    now = context_of(request).clock.now()
    outcome = save(
        request,
        lambda: window_data(form),
        lambda s, data: (
            noise.create_window(s, data=data, now=now, created_by_id=principal.user_id).id
        ),
    )
    if not outcome.ok:
        return _page(request, principal, form, status=422, errors=outcome.errors)
    return RedirectResponse(HERE, status_code=303)


@router.post("/{window_id}/delete")
def delete_window(request: Request, principal: UiResponder, window_id: Id) -> Response:
    outcome = attempt(request, lambda s: noise.delete_window(s, window_id=window_id))
    if not outcome.ok:
        return _page(request, principal, FormData(), status=404, errors=outcome.errors)
    return RedirectResponse(HERE, status_code=303)
