"""The incident page's live header: the page polls it, and it answers 204 while the incident
is unchanged, so an acknowledgement made elsewhere shows up without a reload. And "escalate
now" and "snooze", which move when the next escalation level pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from starlette.requests import Request
from starlette.responses import Response

from watchkeeper.catalog.users.roles import Role
from watchkeeper.core.ids import Id
from watchkeeper.incidents import queries
from watchkeeper.incidents import service as incidents
from watchkeeper.incidents.timeline import Actor
from watchkeeper.pipeline.escalation import service as escalation
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import FormBody, UiViewer
from watchkeeper.web.ui.routes.forms import attempt, text_of
from watchkeeper.web.ui.routes.incident_page import show_with_errors
from watchkeeper.web.ui.templating import local_time, saved

router = APIRouter(prefix="/incidents/{incident_id}")


def stamp_of(request: Request, incident_id: int) -> str:
    return context_of(request).database.run(
        lambda s: queries.version(incidents.get(s, incident_id=incident_id)), write=False
    )


@router.get("/live")
def live_header(
    request: Request,
    _: UiViewer,
    incident_id: Id,
    since: Annotated[str, Query(max_length=64)] = "",
) -> Response:
    """The whole page when the incident changed after `since` (the script takes its header
    and actions from it); 204 when it did not."""
    if stamp_of(request, incident_id) == since:
        return Response(status_code=204)
    return show_with_errors(request, incident_id, errors=[], status=200)


@router.post("/escalate")
def escalate(request: Request, principal: UiViewer, incident_id: Id) -> Response:
    principal.require(Role.RESPONDER)
    ctx = context_of(request)
    actor, now = Actor(principal.user_id, principal.login), ctx.clock.now()
    outcome = attempt(
        request,
        lambda s: escalation.escalate_now(s, incident_id=incident_id, actor=actor, now=now),
    )
    if not outcome.ok:
        return show_with_errors(request, incident_id, errors=outcome.errors, status=outcome.status)
    return saved(f"/incidents/{incident_id}", "Escalated: the next level is paged now")


SNOOZE_MINUTES = (15, 30, 60, 120)


@router.post("/snooze")
def snooze(request: Request, principal: UiViewer, incident_id: Id, form: FormBody) -> Response:
    principal.require(Role.RESPONDER)
    ctx = context_of(request)
    actor, now = Actor(principal.user_id, principal.login), ctx.clock.now()
    chosen = text_of(form, "minutes")
    minutes = int(chosen) if chosen.isdigit() and int(chosen) in SNOOZE_MINUTES else None
    if minutes is None:
        errors = [f"Snooze for: choose {', '.join(map(str, SNOOZE_MINUTES))} minutes"]
        return show_with_errors(request, incident_id, errors=errors, status=422)
    outcome = attempt(
        request,
        lambda s: escalation.snooze(
            s, incident_id=incident_id, actor=actor, now=now, minutes=minutes
        ),
    )
    if not outcome.ok or outcome.value is None:
        return show_with_errors(request, incident_id, errors=outcome.errors, status=outcome.status)
    zone = getattr(request.state, "time_zone", "UTC")
    return saved(
        f"/incidents/{incident_id}", f"Paging snoozed until {local_time(outcome.value, zone)}"
    )
