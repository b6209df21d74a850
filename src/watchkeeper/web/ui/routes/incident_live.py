"""The incident page's live header: the page polls it, and it answers 204 while the incident
is unchanged, so an acknowledgement made elsewhere shows up without a reload. And "escalate
now", for a responder who will not wait out a level's delay."""

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
from watchkeeper.web.deps import UiViewer
from watchkeeper.web.ui.routes.forms import attempt
from watchkeeper.web.ui.routes.incident_page import show_with_errors
from watchkeeper.web.ui.templating import saved

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
