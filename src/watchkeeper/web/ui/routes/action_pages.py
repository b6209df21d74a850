"""Action item pages: lists (mine, a team's, overdue) with filters and CSV, a form to add
one (alone, or from an incident or a postmortem), and status changes."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from watchkeeper.catalog.teams.models import Team
from watchkeeper.catalog.users.roles import Role
from watchkeeper.core.ids import Id
from watchkeeper.incidents.timeline import Actor
from watchkeeper.response.actions import queries
from watchkeeper.response.actions import service as actions
from watchkeeper.response.actions.queries import ActionFilter
from watchkeeper.response.actions.schemas import ActionItemCreate, ActionItemUpdate, Status
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import FormBody, UiViewer
from watchkeeper.web.ui.routes.forms import attempt, parse_form, validation_messages
from watchkeeper.web.ui.routes.incident_lists import people
from watchkeeper.web.ui.templating import render

router = APIRouter(prefix="/action-items")
_FILTERS = ("mine", "owner_id", "team_id", "status", "overdue")


def _filter(request: Request, principal: UiViewer) -> tuple[ActionFilter, dict[str, Any]]:
    params = request.query_params
    chosen = {key: params.get(key) or None for key in _FILTERS}
    statuses = [Status(s) for s in params.getlist("status") if s in Status.__members__.values()]

    def number(key: str) -> int | None:
        value = chosen[key]
        return int(value) if value and value.isdigit() else None

    where = ActionFilter(
        owner_id=principal.user_id if chosen["mine"] else number("owner_id"),
        team_id=number("team_id"),
        status=tuple(statuses),
        overdue=bool(chosen["overdue"]),
    )
    return where, {**chosen, "status": [s.value for s in statuses]}


def team_names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Team.id, Team.name).order_by(Team.name)).all())


def _page(
    request: Request,
    principal: UiViewer,
    *,
    errors: list[str] | None = None,
    status: int = 200,
) -> Response:
    ctx = context_of(request)
    where, chosen = _filter(request, principal)
    today = actions.today(ctx.clock.now(), principal.time_zone)

    def load(session: Session) -> dict[str, Any]:
        return {
            "items": queries.list_(session, where=where, today=today),
            "people": people(session),
            "teams": team_names(session),
            "statuses": list(Status),
            "chosen": chosen,
            "query": request.url.query,
            "csv_query": urlencode(
                [
                    (k, "true" if k in ("mine", "overdue") else v)
                    for k, v in request.query_params.multi_items()
                    if v and k in _FILTERS
                ]
            ),
        }

    context = ctx.database.run(load, write=False)
    return render(request, "actions/list.html", {**context, "errors": errors}, status_code=status)


@router.get("")
def list_page(request: Request, principal: UiViewer) -> Response:
    return _page(request, principal)


def _back(form: FormBody, fallback: str = "/action-items") -> str:
    value = form.get("next")
    # Only a path of this site: never an address elsewhere.
    if isinstance(value, str) and value.startswith("/") and not value.startswith("//"):
        return value
    return fallback


@router.post("")
def create(request: Request, principal: UiViewer, form: FormBody) -> Response:
    principal.require(Role.RESPONDER)
    actor, now = Actor(principal.user_id, principal.login), context_of(request).clock.now()
    try:
        data = parse_form(ActionItemCreate, form)
    except ValidationError as exc:
        return _page(request, principal, errors=validation_messages(exc, request), status=422)
    outcome = attempt(
        request,
        lambda s: actions.create(s, data=data, actor=actor, zone=principal.time_zone, now=now),
    )
    if not outcome.ok:
        return _page(request, principal, errors=outcome.errors, status=422)
    return RedirectResponse(_back(form), status_code=303)


@router.post("/{item_id}")
def change(request: Request, principal: UiViewer, item_id: Id, form: FormBody) -> Response:
    principal.require(Role.RESPONDER)
    actor, now = Actor(principal.user_id, principal.login), context_of(request).clock.now()
    try:
        data = parse_form(ActionItemUpdate, form)
    except ValidationError as exc:
        return _page(request, principal, errors=validation_messages(exc, request), status=422)
    outcome = attempt(
        request, lambda s: actions.update(s, item_id=item_id, data=data, actor=actor, now=now)
    )
    if not outcome.ok:
        return _page(request, principal, errors=outcome.errors, status=409)
    return RedirectResponse(_back(form), status_code=303)
