"""Problem pages: the list with filters and a form to record one from a selection of
incidents, one problem with its incidents over time, and recording one from an incident."""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import APIRouter
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from watchkeeper.catalog.users.roles import Role
from watchkeeper.core.ids import Id
from watchkeeper.incidents.timeline import Actor
from watchkeeper.response.actions import queries as action_queries
from watchkeeper.response.actions import service as actions
from watchkeeper.response.actions.queries import ActionFilter
from watchkeeper.response.problems import queries
from watchkeeper.response.problems import service as problems
from watchkeeper.response.problems.schemas import LinkIn, ProblemCreate, ProblemUpdate, Status
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import FormBody, UiViewer
from watchkeeper.web.ui.routes.forms import attempt, parse_form, validation_messages
from watchkeeper.web.ui.routes.incident_lists import people
from watchkeeper.web.ui.templating import render

router = APIRouter(prefix="/problem-records")


def _numbers(form: FormBody, name: str = "incident_ids") -> list[str]:
    """`#12, 15 #17` -> ["12", "15", "17"]: how people write incident numbers."""
    raw = " ".join(value for value in form.getlist(name) if isinstance(value, str))
    return [part for part in raw.replace("#", " ").replace(",", " ").split() if part]


def _list(request: Request, *, errors: list[str] | None = None, status: int = 200) -> Response:
    wanted = [
        Status(s)
        for s in request.query_params.getlist("status")
        if s in Status.__members__.values()
    ]

    def load(session: Session) -> dict[str, Any]:
        return {
            "problems": [queries.out(session, p) for p in queries.list_(session, status=wanted)],
            "statuses": list(Status),
            "chosen": [s.value for s in wanted],
            "names": people(session),
        }

    context = context_of(request).database.run(load, write=False)
    return render(request, "problems/list.html", {**context, "errors": errors}, status_code=status)


@router.get("")
def list_page(request: Request, _: UiViewer) -> Response:
    return _list(request)


@router.post("")
def create(request: Request, principal: UiViewer, form: FormBody) -> Response:
    principal.require(Role.RESPONDER)
    actor, now = Actor(principal.user_id, principal.login), context_of(request).clock.now()
    back = form.get("next")
    try:
        data = ProblemCreate.model_validate(
            {
                "title": form.get("title") or "",
                "incident_ids": _numbers(form),
                "root_cause": form.get("root_cause") or "",
                "workaround": form.get("workaround") or "",
            }
        )
    except ValidationError as exc:
        return _list(request, errors=validation_messages(exc, request), status=422)
    outcome = attempt(request, lambda s: problems.create(s, data=data, actor=actor, now=now).id)
    if not outcome.ok:
        return _list(request, errors=outcome.errors, status=422)
    if isinstance(back, str) and back.startswith("/incidents/"):
        return RedirectResponse(back, status_code=303)
    return RedirectResponse(f"/problem-records/{outcome.value}", status_code=303)


@router.post("/link")
def link_from_incident(request: Request, principal: UiViewer, form: FormBody) -> Response:
    """The incident page's "link to problem" form: `PRB-3` (or `3`) and the incident."""
    raw = form.get("problem")
    digits = "".join(ch for ch in raw if ch.isdigit()) if isinstance(raw, str) else ""
    if not digits:
        return _list(request, errors=["give a problem number, e.g. PRB-3"], status=422)
    return link(request, principal, int(digits), form)


def _page(
    request: Request, problem_id: int, *, errors: list[str] | None = None, status: int = 200
) -> Response:
    ctx = context_of(request)
    zone = getattr(request.state, "time_zone", "UTC")

    def load(session: Session) -> dict[str, Any]:
        view = queries.out(session, problems.get(session, problem_id=problem_id))
        months = Counter(i.created_at.strftime("%Y-%m") for i in view.incidents)
        return {
            "problem": view,
            "months": sorted(months.items()),
            "most": max(months.values(), default=1),
            "names": people(session),
            "statuses": list(Status),
            "action_items": action_queries.list_(
                session,
                where=ActionFilter(problem_id=problem_id),
                today=actions.today(ctx.clock.now(), zone),
            ),
        }

    context = ctx.database.run(load, write=False)
    return render(request, "problems/show.html", {**context, "errors": errors}, status_code=status)


@router.get("/{problem_id}")
def show(request: Request, _: UiViewer, problem_id: Id) -> Response:
    return _page(request, problem_id)


@router.post("/{problem_id}")
def save(request: Request, principal: UiViewer, problem_id: Id, form: FormBody) -> Response:
    principal.require(Role.RESPONDER)
    actor, now = Actor(principal.user_id, principal.login), context_of(request).clock.now()
    try:
        data = parse_form(ProblemUpdate, form)
    except ValidationError as exc:
        return _page(request, problem_id, errors=validation_messages(exc, request), status=422)
    outcome = attempt(
        request,
        lambda s: problems.update(s, problem_id=problem_id, data=data, actor=actor, now=now),
    )
    if not outcome.ok:
        return _page(request, problem_id, errors=outcome.errors, status=409)
    return RedirectResponse(f"/problem-records/{problem_id}", status_code=303)


@router.post("/{problem_id}/incidents")
def link(request: Request, principal: UiViewer, problem_id: Id, form: FormBody) -> Response:
    principal.require(Role.RESPONDER)
    actor, now = Actor(principal.user_id, principal.login), context_of(request).clock.now()
    try:
        data = LinkIn.model_validate({"incident_ids": _numbers(form)})
    except ValidationError as exc:
        return _page(request, problem_id, errors=validation_messages(exc, request), status=422)
    outcome = attempt(
        request, lambda s: problems.link(s, problem_id=problem_id, data=data, actor=actor, now=now)
    )
    if not outcome.ok:
        return _page(request, problem_id, errors=outcome.errors, status=422)
    back = form.get("next")
    if isinstance(back, str) and back.startswith("/incidents/"):
        return RedirectResponse(back, status_code=303)
    return RedirectResponse(f"/problem-records/{problem_id}", status_code=303)
