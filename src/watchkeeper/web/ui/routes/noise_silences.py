"""Silences page: current and pending silences, the recently expired, a create form (also
opened from an alert, pre-filled with its labels) and "Expire now"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from watchkeeper.catalog.access.principal import Principal
from watchkeeper.catalog.users.models import User
from watchkeeper.catalog.users.roles import Role
from watchkeeper.core.errors import NotFound
from watchkeeper.core.ids import Id
from watchkeeper.core.pagination import MAX_LIMIT, PageRequest, Sort, every_page
from watchkeeper.pipeline.correlate.models import Alert
from watchkeeper.pipeline.correlate.noise import service as noise
from watchkeeper.pipeline.correlate.noise.models import Silence
from watchkeeper.pipeline.correlate.noise.schemas import SilenceCreate, SilenceState
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import FormBody, UiResponder, UiViewer
from watchkeeper.web.ui.routes.forms import attempt, parse_form
from watchkeeper.web.ui.routes.noise_forms import (
    can,
    local_moment,
    matcher_line,
    matcher_lines,
    matchers_text,
    parse_duration,
    save,
    service_names,
    zone_of,
)
from watchkeeper.web.ui.templating import render

router = APIRouter(prefix="/silences")
HERE = "/silences"
EXPIRED_SHOWN = 50
DEFAULT_DURATION = "2h"


class SilenceForm(BaseModel):
    """The create form as typed: times in the viewer's zone, matchers one per line."""

    model_config = ConfigDict(extra="forbid")

    matchers: str = ""
    service_id: Id | None = None
    starts_at: str = ""
    duration: str = ""
    ends_at: str = ""
    comment: str = ""


@dataclass(frozen=True)
class SilenceRow:
    silence: Silence
    state: SilenceState
    matchers: list[str]
    creator: str
    left: timedelta


def silence_data(form: FormData, zone_name: str, now: datetime) -> SilenceCreate:
    """The create form as the service takes it; Invalid or ValidationError says what is wrong."""
    data = parse_form(SilenceForm, form)
    zone = zone_of(zone_name)
    matchers = matcher_lines(data.matchers, "matchers", required=True)
    starts_at = local_moment(data.starts_at, zone, "starts")
    ends_at = local_moment(data.ends_at, zone, "ends")
    if ends_at is None:
        ends_at = (starts_at or now) + parse_duration(data.duration or DEFAULT_DURATION, "lasts")
    return SilenceCreate.model_validate(
        {
            "matchers": matchers,
            "service_id": data.service_id,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "comment": data.comment.strip(),
        }
    )


def _rows(session: Session, silences: list[Silence], now: datetime) -> list[SilenceRow]:
    ids = {row.created_by_id for row in silences if row.created_by_id is not None}
    logins = dict(session.execute(select(User.id, User.login).where(User.id.in_(ids))).all())
    rows = []
    for silence in silences:
        state = noise.silence_state(silence, now)
        moment = silence.starts_at if state == "pending" else silence.ends_at
        rows.append(
            SilenceRow(
                silence=silence,
                state=state,
                matchers=matchers_text(silence.matchers),
                creator=logins.get(silence.created_by_id or 0, "—"),
                left=moment - now,
            )
        )
    return rows


def _page(
    request: Request, principal: Principal, draft: FormData, *, status: int = 200, **extra: Any
) -> Response:
    now = context_of(request).clock.now()

    def load(session: Session) -> dict[str, Any]:
        current = every_page(
            lambda cursor: noise.list_silences(
                session,
                state="active",
                now=now,
                page=PageRequest(limit=MAX_LIMIT, cursor=cursor, sort=Sort("ends_at")),
            )
        )
        recent, _ = noise.list_silences(
            session,
            state="expired",
            now=now,
            page=PageRequest(limit=EXPIRED_SHOWN, sort=Sort("ends_at", descending=True)),
        )
        return {
            "current": _rows(session, list(current), now),
            "expired": _rows(session, list(recent), now),
            "services": service_names(session),
        }

    context = context_of(request).database.run(load, write=False)
    context |= {
        "draft": draft,
        "can_silence": can(principal, Role.RESPONDER),
        "default_duration": DEFAULT_DURATION,
    }
    return render(request, "noise/silences.html", {**context, **extra}, status_code=status)


def _from_alert(request: Request, alert_id: int) -> FormData:
    """A draft silence for an alert: its labels as matchers, limited to its service."""

    def load(session: Session) -> FormData:
        alert = session.get(Alert, alert_id)
        if alert is None:
            raise NotFound(f"no alert {alert_id}")
        # Written out, not validated: a label the parser refuses is named when posted.
        lines = [matcher_line(name, "=", value) for name, value in sorted(alert.labels.items())]
        return FormData({"matchers": "\n".join(lines), "service_id": str(alert.service_id)})

    return context_of(request).database.run(load, write=False)


@router.get("")
def list_silences(
    request: Request,
    principal: UiViewer,
    alert_id: Id | None = None,
    comment: Annotated[str | None, Query(max_length=2000)] = None,
) -> Response:
    """`?alert_id=` drafts a silence from an alert's labels; `?comment=` prefills why (the
    noise report says it sent you)."""
    draft = FormData() if alert_id is None else _from_alert(request, alert_id)
    if comment:
        draft = FormData({**dict(draft), "comment": comment})
    return _page(request, principal, draft, from_alert=alert_id)


@router.post("")
def create_silence(request: Request, principal: UiResponder, form: FormBody) -> Response:
    now = context_of(request).clock.now()
    outcome = save(
        request,
        lambda: silence_data(form, principal.time_zone, now),
        lambda s, data: (
            noise.create_silence(s, data=data, now=now, created_by_id=principal.user_id).id
        ),
    )
    if not outcome.ok:
        return _page(request, principal, form, status=422, errors=outcome.errors)
    return RedirectResponse(f"{HERE}#silence-{outcome.value}", status_code=303)


@router.post("/{silence_id}/expire")
def expire_silence(request: Request, principal: UiResponder, silence_id: Id) -> Response:
    now = context_of(request).clock.now()
    outcome = attempt(request, lambda s: noise.expire_silence(s, silence_id=silence_id, now=now).id)
    if not outcome.ok:
        return _page(request, principal, FormData(), status=404, errors=outcome.errors)
    return RedirectResponse(HERE, status_code=303)
