"""The incidents list (live-updating) and the "declare incident" form."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from watchkeeper.catalog.categories import service as categories
from watchkeeper.catalog.services import service as services
from watchkeeper.catalog.users.models import User
from watchkeeper.catalog.users.roles import Role
from watchkeeper.core.errors import FieldError, Invalid, WatchkeeperError
from watchkeeper.core.ids import parse_id
from watchkeeper.core.pagination import PageRequest, Sort, parse_sort
from watchkeeper.incidents import queries, transitions
from watchkeeper.incidents import service as incidents
from watchkeeper.incidents.lifecycle import Action, Status, allowed_actions
from watchkeeper.incidents.schemas import IncidentCreate, Source
from watchkeeper.incidents.timeline import Actor
from watchkeeper.web.api.v1.incident_views import incident_filter, sla_out
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import DbSession, FormBody, Now, UiViewer
from watchkeeper.web.ui.routes.forms import submit, text_of
from watchkeeper.web.ui.templating import render, saved

router = APIRouter()
PAGE_SIZE = 50
FILTER_KEYS = ("status", "priority", "service_id", "assignee_id", "category_id", "team_id", "q")
DEFAULT_SORT = Sort("created_at", descending=True)


def people(session: Session, ids: Sequence[int | None] | None = None) -> dict[int, str]:
    """Logins by id: of the given ids, or of every active user (for pickers)."""
    stmt = select(User.id, User.login)
    if ids is None:
        stmt = stmt.where(User.is_active.is_(True))
    else:
        stmt = stmt.where(User.id.in_([i for i in ids if i is not None]))
    return {row[0]: row[1] for row in session.execute(stmt.order_by(User.login))}


# The list opens on what needs people; any filter (an empty search too) shows every status.
OPEN_STATUSES = [Status.TRIGGERED.value, Status.ACKNOWLEDGED.value, Status.ON_HOLD.value]


def _filters(request: Request) -> dict[str, Any]:
    params = request.query_params
    unfiltered = not any(key in params for key in FILTER_KEYS)
    return {
        "status": OPEN_STATUSES if unfiltered else params.getlist("status"),
        "open_only": unfiltered,
        "priority": params.getlist("priority"),
        **{key: params.get(key) or None for key in FILTER_KEYS[2:]},
    }


def _rows_context(request: Request, session: Session, now: Any) -> dict[str, Any]:
    raw = _filters(request)
    where = incident_filter(
        status=_statuses(raw["status"]),
        priority=raw["priority"],
        service_id=_id(raw, "service_id"),
        team_id=_id(raw, "team_id"),
        assignee_id=_id(raw, "assignee_id"),
        category_id=_id(raw, "category_id"),
        q=raw["q"],
    )
    sort = parse_sort(
        request.query_params.get("sort"), allowed=list(queries.SORTABLE), default=DEFAULT_SORT
    )
    page = PageRequest(limit=PAGE_SIZE, cursor=request.query_params.get("cursor"), sort=sort)
    rows, next_cursor = queries.list_(session, where=where, page=page)
    newest = queries.last_change(session)
    rules = incidents.load_policy(session)
    query = urlencode([(k, v) for k, v in request.query_params.multi_items() if k != "since"])
    return {
        "incidents": rows,
        "sla": {row.id: sla_out(row, rules, now) for row in rows},
        "services": {s.id: s.name for s in services.all_(session)},
        "assignees": people(session, [row.assignee_id for row in rows]),
        "next_cursor": next_cursor,
        "fingerprint": newest.isoformat() if newest else "none",
        "query": query,
        "filters": raw,
    }


def _statuses(values: list[str]) -> list[Status]:
    known = {status.value for status in Status}
    if unknown := [value for value in values if value not in known]:
        raise Invalid(f"unknown status {unknown[0]!r}", errors=[FieldError("query.status", "")])
    return [Status(value) for value in values]


def _id(raw: dict[str, Any], key: str) -> int | None:
    value = raw[key]
    return parse_id(value, location=f"query.{key}") if value else None


@router.get("/incidents")
def list_page(request: Request, _: UiViewer, session: DbSession, now: Now) -> Response:
    try:
        context = _rows_context(request, session, now)
    except WatchkeeperError as exc:
        return render(request, "incidents/list.html", _empty(session, exc.detail), status_code=422)
    context.update(_pickers(session))
    return render(request, "incidents/list.html", context)


@router.get("/incidents/rows")
def list_rows(request: Request, _: UiViewer, session: DbSession, now: Now) -> Response:
    """The table body alone, polled by the list page; 204 when nothing changed."""
    context = _rows_context(request, session, now)
    if request.query_params.get("since") == context["fingerprint"]:
        return Response(status_code=204)
    return render(request, "incidents/rows.html", context)


def _pickers(session: Session) -> dict[str, Any]:
    return {
        "all_services": services.all_(session),
        "all_categories": categories.tree(session),
        "all_people": people(session),
        "statuses": list(Status),
    }


def _empty(session: Session, error: str) -> dict[str, Any]:
    return {
        "incidents": [],
        "sla": {},
        "services": {},
        "assignees": {},
        "next_cursor": None,
        "fingerprint": "",
        "query": "",
        "filters": {"status": [], "priority": []},
        "errors": [error],
        **_pickers(session),
    }


@router.get("/incidents/new")
def declare_form(request: Request, principal: UiViewer, session: DbSession) -> Response:
    principal.require(Role.RESPONDER)
    return render(request, "incidents/new.html", {**_pickers(session), "values": {}})


@router.post("/incidents/new")
def declare(request: Request, principal: UiViewer, form: FormBody) -> Response:
    principal.require(Role.RESPONDER)
    ctx = context_of(request)
    actor = Actor(principal.user_id, principal.login)

    def action(session: Session, data: IncidentCreate) -> int:
        incident = incidents.create(
            session, data=data, actor=actor, now=ctx.clock.now(), source=Source.MANUAL
        )
        return incident.id

    outcome = submit(request, IncidentCreate, form, action, lists=("tags",))
    if not outcome.ok:
        pickers = ctx.database.run(_pickers, write=False)
        context = {**pickers, "values": dict(form), "errors": outcome.errors}
        return render(request, "incidents/new.html", context, status_code=422)
    return saved(f"/incidents/{outcome.value}", f"Incident declared: {text_of(form, 'title')}")


BULK = {
    "acknowledge": (Action.ACKNOWLEDGE, "Acknowledged"),
    "resolve": (Action.RESOLVE, "Resolved"),
}


@router.post("/incidents/bulk")
def bulk(request: Request, principal: UiViewer, form: FormBody) -> Response:
    """Acknowledge or resolve the ticked incidents in one transaction; those that moved on
    already are named, not changed."""
    principal.require(Role.RESPONDER)
    ctx = context_of(request)
    back = "/incidents" + (f"?{query}" if (query := text_of(form, "query")) else "")
    chosen = BULK.get(text_of(form, "action"))
    ticked = [value for value in form.getlist("incident_ids") if isinstance(value, str)]
    ids = sorted({parse_id(value, location="incident_ids") for value in ticked})
    if chosen is None or not ids:
        return saved(back, "Tick the incidents to change first.")
    action, done = chosen
    actor, now = Actor(principal.user_id, principal.login), ctx.clock.now()

    def work(session: Session) -> tuple[list[int], list[int]]:
        changed, skipped = [], []
        for incident_id in ids:
            incident = incidents.get(session, incident_id=incident_id)
            if action not in allowed_actions(Status(incident.status)):
                skipped.append(incident_id)
            elif action is Action.ACKNOWLEDGE:
                transitions.acknowledge(session, incident_id=incident_id, actor=actor, now=now)
                changed.append(incident_id)
            else:
                transitions.resolve(session, incident_id=incident_id, actor=actor, now=now)
                changed.append(incident_id)
        return changed, skipped

    changed, skipped = ctx.database.run(work)
    message = f"{done} {_numbers(changed) or 'nothing'}"
    if skipped:
        message += f"; left alone (already past that): {_numbers(skipped)}"
    return saved(back, message + ".")


def _numbers(ids: Sequence[int]) -> str:
    return ", ".join(f"#{number}" for number in ids)
