"""The incident page's suggestion buttons: accept what the model suggests, or correct it."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from watchkeeper.catalog.users.roles import Role
from watchkeeper.core.ids import Id
from watchkeeper.incidents.timeline import Actor
from watchkeeper.response.suggestions import service as suggestions
from watchkeeper.response.suggestions.models import IncidentSuggestion
from watchkeeper.response.suggestions.schemas import CorrectIn
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import FormBody, UiViewer
from watchkeeper.web.ui.routes.forms import Outcome, attempt, submit
from watchkeeper.web.ui.routes.incident_page import show_with_errors

router = APIRouter(prefix="/incidents/{incident_id}/suggestion")


def _back(request: Request, incident_id: int, outcome: Outcome[IncidentSuggestion]) -> Response:
    if not outcome.ok:
        return show_with_errors(request, incident_id, errors=outcome.errors, status=409)
    return RedirectResponse(f"/incidents/{incident_id}", status_code=303)


@router.post("/accept")
def accept(request: Request, principal: UiViewer, incident_id: Id) -> Response:
    principal.require(Role.RESPONDER)
    actor, now = Actor(principal.user_id, principal.login), context_of(request).clock.now()
    outcome = attempt(
        request,
        lambda s: suggestions.accept(s, incident_id=incident_id, fields=None, actor=actor, now=now),
    )
    return _back(request, incident_id, outcome)


@router.post("/correct")
def correct(request: Request, principal: UiViewer, incident_id: Id, form: FormBody) -> Response:
    principal.require(Role.RESPONDER)
    actor, now = Actor(principal.user_id, principal.login), context_of(request).clock.now()
    outcome = submit(
        request,
        CorrectIn,
        form,
        lambda s, data: suggestions.correct(
            s, incident_id=incident_id, data=data, actor=actor, now=now
        ),
    )
    return _back(request, incident_id, outcome)
