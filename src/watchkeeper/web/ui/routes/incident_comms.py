"""The incident page's communication forms: add and remove stakeholders, send an update,
and publish the incident to a status page as a draft."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from watchkeeper.catalog.users.roles import Role
from watchkeeper.core.errors import Invalid
from watchkeeper.core.ids import Id, parse_id
from watchkeeper.incidents.timeline import Actor
from watchkeeper.response.stakeholders import service as stakeholders
from watchkeeper.response.stakeholders.schemas import Target, UpdateIn
from watchkeeper.response.statuspage import publishing
from watchkeeper.response.statuspage.schemas import IncidentCreate
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import FormBody, UiViewer
from watchkeeper.web.ui.routes.forms import attempt, parse_form, validation_messages
from watchkeeper.web.ui.routes.incident_page import show_with_errors

router = APIRouter(prefix="/incidents/{incident_id}")


def _back(request: Request, incident_id: int, errors: list[str] | None) -> Response:
    if errors:
        return show_with_errors(request, incident_id, errors=errors, status=422)
    return RedirectResponse(f"/incidents/{incident_id}", status_code=303)


@router.post("/stakeholders")
def add_stakeholder(
    request: Request, principal: UiViewer, incident_id: Id, form: FormBody
) -> Response:
    principal.require(Role.RESPONDER)
    now = context_of(request).clock.now()
    try:
        data = parse_form(Target, form)
    except ValidationError as exc:
        return _back(request, incident_id, validation_messages(exc))
    outcome = attempt(
        request, lambda s: stakeholders.add(s, incident_id=incident_id, data=data, now=now)
    )
    return _back(request, incident_id, outcome.errors)


@router.post("/stakeholders/{stakeholder_id}/remove")
def remove_stakeholder(
    request: Request, principal: UiViewer, incident_id: Id, stakeholder_id: Id
) -> Response:
    principal.require(Role.RESPONDER)
    outcome = attempt(
        request,
        lambda s: stakeholders.remove(s, incident_id=incident_id, stakeholder_id=stakeholder_id),
    )
    return _back(request, incident_id, outcome.errors)


@router.post("/stakeholder-updates")
def send_update(request: Request, principal: UiViewer, incident_id: Id, form: FormBody) -> Response:
    principal.require(Role.RESPONDER)
    now = context_of(request).clock.now()
    actor = Actor(principal.user_id, principal.login)
    try:
        data = parse_form(UpdateIn, form)
    except ValidationError as exc:
        return _back(request, incident_id, validation_messages(exc))
    outcome = attempt(
        request,
        lambda s: stakeholders.send_update(
            s, incident_id=incident_id, data=data, actor=actor, now=now
        ),
    )
    return _back(request, incident_id, outcome.errors)


@router.post("/publish-status")
def publish_to_status_page(
    request: Request, principal: UiViewer, incident_id: Id, form: FormBody
) -> Response:
    """A draft public incident from this one, to review on the status page's admin page:
    only the public title and text written in the form reach it."""
    principal.require(Role.RESPONDER)
    now = context_of(request).clock.now()
    try:
        page_id = parse_id(str(form.get("page_id") or ""), location="body.page_id")
        data = IncidentCreate.model_validate(
            {
                "name": form.get("name") or "",
                "incident_id": incident_id,
                "update": {"state": "investigating", "body": form.get("body") or ""},
            }
        )
    except ValidationError as exc:
        return _back(request, incident_id, validation_messages(exc))
    except Invalid as exc:
        return _back(request, incident_id, [exc.detail])
    outcome = attempt(
        request,
        lambda s: publishing.create_incident(
            s, page_id=page_id, data=data, actor_id=principal.user_id, now=now
        ),
    )
    if not outcome.ok:
        return _back(request, incident_id, outcome.errors)
    return RedirectResponse(f"/admin/status-pages/{page_id}", status_code=303)
