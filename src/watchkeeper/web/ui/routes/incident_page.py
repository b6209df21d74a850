"""One incident's page: header with SLA clocks, actions, fields, roles, tasks, notes, paging,
timeline."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from fastapi import APIRouter
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from watchkeeper.catalog.categories import service as categories
from watchkeeper.catalog.services import service as services
from watchkeeper.catalog.users.roles import Role
from watchkeeper.core.errors import Conflict, FieldError, Invalid
from watchkeeper.core.ids import After, Id, parse_id
from watchkeeper.core.pagination import PageRequest, Sort
from watchkeeper.core.priority import IMPACT_NAMES, URGENCY_NAMES, label
from watchkeeper.incidents import links, queries, tasks, transitions
from watchkeeper.incidents import service as incidents
from watchkeeper.incidents.lifecycle import Action, Status, allowed_actions
from watchkeeper.incidents.schemas import (
    CloseIn,
    IncidentUpdate,
    ResolutionCode,
    TaskIn,
    TaskUpdate,
)
from watchkeeper.incidents.timeline import Actor
from watchkeeper.pipeline.correlate import merge as merging
from watchkeeper.pipeline.correlate import queries as alert_queries
from watchkeeper.pipeline.escalation import service as escalation
from watchkeeper.pipeline.escalation.pages import urgency_of
from watchkeeper.pipeline.escalation.schemas import PageIn
from watchkeeper.response.drills.queries import drill_incidents
from watchkeeper.response.plans import queries as plan_queries
from watchkeeper.web.api.v1.incident_views import sla_out
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import DbSession, FormBody, UiViewer
from watchkeeper.web.ui.routes import incident_comms_view, learning
from watchkeeper.web.ui.routes.admin_escalation import choices
from watchkeeper.web.ui.routes.forms import (
    Outcome,
    attempt,
    parse_form,
    submit,
    validation_messages,
)
from watchkeeper.web.ui.routes.incident_deliveries import deliveries
from watchkeeper.web.ui.routes.incident_lists import people
from watchkeeper.web.ui.templating import local_time, render

router = APIRouter(prefix="/incidents/{incident_id}")
PEOPLE_FIELDS = ("assignee_id", "commander_id", "communications_lead_id", "scribe_id")


def page_context(session: Session, incident_id: int, now: Any, zone: str = "UTC") -> dict[str, Any]:
    incident = incidents.get(session, incident_id=incident_id)
    rules = incidents.load_policy(session)
    service = services.get(session, service_id=incident.service_id)
    policies = escalation.list_policies(session)
    return {
        "nobody_paged": not any(p.id == service.escalation_policy_id for p in policies),
        "incident": incident,
        "version": queries.version(incident),
        "sla": sla_out(incident, rules, now),
        "priority": label(incident.priority),
        "matrix_priority": label(rules.matrix[(incident.impact, incident.urgency)]),
        "page_urgency": urgency_of(incident.priority),
        "actions": [action.value for action in allowed_actions(Status(incident.status))],
        "service": service,
        "all_services": services.all_(session),
        "all_categories": categories.tree(session),
        "category": next(
            (c for c in categories.tree(session) if c.id == incident.category_id), None
        ),
        "people": people(session),
        "names": people(
            session, [incident.created_by_id, *(getattr(incident, f) for f in PEOPLE_FIELDS)]
        ),
        "tasks": tasks.list_(session, incident_id=incident.id),
        "timeline": queries.timeline(session, incident_id=incident.id),
        "related": links.related_ids(session, incident_id=incident.id),
        "alerts": alert_queries.list_(
            session, page=PageRequest(limit=50, sort=Sort("id")), incident_id=incident.id
        )[0],
        "changes": alert_queries.incident_changes(session, incident),
        "impacts": IMPACT_NAMES,
        "urgencies": URGENCY_NAMES,
        "codes": list(ResolutionCode),
        "targets": choices(session),
        "policies": policies,
        "drill": bool(drill_incidents(session, [incident.id])),
        **learning.incident_context(session, incident, now=now, zone=zone),
        "plans": plan_queries.attached(session, incident_id=incident.id),
        "plan_marks": plan_queries.task_marks(session, incident_id=incident.id),
        **deliveries(session, incident.id),
    }


def _page(
    request: Request, incident_id: int, *, errors: list[str] | None = None, status: int = 200
) -> Response:
    ctx = context_of(request)
    now = ctx.clock.now()
    zone = getattr(request.state, "time_zone", "UTC")
    minutes = ctx.settings.stakeholder_update_minutes

    def load(session: Session) -> dict[str, Any]:
        return {
            **page_context(session, incident_id, now, zone),
            **incident_comms_view.incident_context(session, incident_id, now=now, minutes=minutes),
        }

    context = ctx.database.run(load, write=False)
    return render(request, "incidents/show.html", {**context, "errors": errors}, status_code=status)


def show_with_errors(
    request: Request, incident_id: int, *, errors: list[str], status: int
) -> Response:
    """The incident's page with errors above it, for actions other modules route."""
    return _page(request, incident_id, errors=errors, status=status)


@router.get("")
def show(request: Request, _: UiViewer, incident_id: Id) -> Response:
    return _page(request, incident_id)


@router.get("/timeline")
def timeline_rows(
    request: Request, _: UiViewer, session: DbSession, incident_id: Id, after: After = 0
) -> Response:
    """New timeline entries after `after`, polled by the page; 204 when there are none."""
    entries = queries.timeline(session, incident_id=incident_id, after_id=after)
    if not entries:
        return Response(status_code=204)
    return render(
        request, "incidents/timeline.html", {"timeline": entries, "incident_id": incident_id}
    )


def _act(
    request: Request,
    principal: UiViewer,
    incident_id: int,
    work: Callable[[Session, Actor], object],
    action: Action | None = None,
) -> Response:
    """Run an action as the viewer; back to the page, or the page with the error. A status
    action the incident has moved past (acknowledged elsewhere meanwhile) says so: 409."""
    principal.require(Role.RESPONDER)
    actor = Actor(principal.user_id, principal.login)
    zone = getattr(request.state, "time_zone", "UTC")

    def run(session: Session) -> object:
        if action is not None:
            _refuse_stale(session, incident_id, action, zone)
        return work(session, actor)

    outcome: Outcome[object] = attempt(request, run)
    if not outcome.ok:
        return _page(request, incident_id, errors=outcome.errors, status=409)
    return RedirectResponse(f"/incidents/{incident_id}", status_code=303)


def _refuse_stale(session: Session, incident_id: int, action: Action, zone: str) -> None:
    incident = incidents.get(session, incident_id=incident_id)
    if action in allowed_actions(Status(incident.status)):
        return
    entry = queries.last_status_change(session, incident_id=incident_id)
    if entry is None:
        return  # never moved: the transition's own refusal says why
    status = incident.status.replace("_", " ")
    when = local_time(entry.at, zone)
    raise Conflict(f"Nothing changed: #{incident_id} is {status} now ({entry.summary} at {when}).")


def _text(form: FormBody, name: str) -> str | None:
    value = form.get(name)
    return value.strip() if isinstance(value, str) and value.strip() else None


@router.post("/acknowledge")
def acknowledge(request: Request, principal: UiViewer, incident_id: Id) -> Response:
    now = context_of(request).clock.now()
    return _act(
        request,
        principal,
        incident_id,
        lambda s, a: transitions.acknowledge(s, incident_id=incident_id, actor=a, now=now),
        action=Action.ACKNOWLEDGE,
    )


@router.post("/resolve")
def resolve(request: Request, principal: UiViewer, incident_id: Id, form: FormBody) -> Response:
    now, note = context_of(request).clock.now(), _text(form, "note")
    return _act(
        request,
        principal,
        incident_id,
        lambda s, a: transitions.resolve(s, incident_id=incident_id, actor=a, now=now, note=note),
        action=Action.RESOLVE,
    )


@router.post("/hold")
def hold(request: Request, principal: UiViewer, incident_id: Id, form: FormBody) -> Response:
    now, reason = context_of(request).clock.now(), _text(form, "reason")
    return _act(
        request,
        principal,
        incident_id,
        lambda s, a: transitions.hold(s, incident_id=incident_id, actor=a, now=now, reason=reason),
        action=Action.HOLD,
    )


@router.post("/resume")
def resume(request: Request, principal: UiViewer, incident_id: Id) -> Response:
    now = context_of(request).clock.now()
    return _act(
        request,
        principal,
        incident_id,
        lambda s, a: transitions.resume(s, incident_id=incident_id, actor=a, now=now),
        action=Action.RESUME,
    )


@router.post("/reopen")
def reopen(request: Request, principal: UiViewer, incident_id: Id, form: FormBody) -> Response:
    ctx = context_of(request)
    now, reason = ctx.clock.now(), _text(form, "reason")
    window = timedelta(days=ctx.settings.reopen_window_days)
    return _act(
        request,
        principal,
        incident_id,
        lambda s, a: transitions.reopen(
            s, incident_id=incident_id, actor=a, now=now, reason=reason, window=window
        ),
        action=Action.REOPEN,
    )


@router.post("/close")
def close(request: Request, principal: UiViewer, incident_id: Id, form: FormBody) -> Response:
    principal.require(Role.RESPONDER)
    now = context_of(request).clock.now()
    actor = Actor(principal.user_id, principal.login)
    outcome = submit(
        request,
        CloseIn,
        form,
        lambda s, data: transitions.close(
            s, incident_id=incident_id, actor=actor, now=now, data=data
        ),
    )
    if not outcome.ok:
        return _page(request, incident_id, errors=outcome.errors, status=422)
    return RedirectResponse(f"/incidents/{incident_id}", status_code=303)


@router.post("/edit")
def edit(request: Request, principal: UiViewer, incident_id: Id, form: FormBody) -> Response:
    """Save the fields form; unchanged fields leave no trace on the timeline."""
    now = context_of(request).clock.now()

    def work(session: Session, actor: Actor) -> object:
        incident = incidents.get(session, incident_id=incident_id)
        data = _update_from_form(
            form, overridden=incident.priority_overridden, current=label(incident.priority)
        )
        return incidents.update(session, incident_id=incident_id, data=data, actor=actor, now=now)

    return _act(request, principal, incident_id, work)


def _update_from_form(form: FormBody, *, overridden: bool, current: str) -> IncidentUpdate:
    fields: dict[str, Any] = {}
    for name in ("title", "description", "customer_impact"):
        if (value := form.get(name)) is not None:
            fields[name] = value
    for name in ("service_id", "impact", "urgency"):
        if value := _text(form, name):
            fields[name] = value
    for name in ("category_id", *PEOPLE_FIELDS):
        if name in form:
            fields[name] = _text(form, name)
    if (tags := form.get("tags")) is not None and isinstance(tags, str):
        fields["tags"] = [tag for tag in tags.replace(",", " ").split() if tag]
    wanted = _text(form, "priority")
    if wanted and (not overridden or wanted != current):
        fields["priority"], fields["priority_reason"] = wanted, _text(form, "priority_reason")
    elif not wanted and overridden:
        fields["priority"] = None
    try:
        return IncidentUpdate.model_validate(fields)
    except ValueError as exc:
        raise Invalid("some fields are not valid", errors=[FieldError("form", str(exc))]) from exc


@router.post("/notes")
def add_note(request: Request, principal: UiViewer, incident_id: Id, form: FormBody) -> Response:
    now, text = context_of(request).clock.now(), _text(form, "text")
    if text is None:
        return _page(request, incident_id, errors=["write something first"], status=422)
    return _act(
        request,
        principal,
        incident_id,
        lambda s, a: incidents.add_note(s, incident_id=incident_id, text=text, actor=a, now=now),
    )


@router.post("/tasks")
def add_task(request: Request, principal: UiViewer, incident_id: Id, form: FormBody) -> Response:
    principal.require(Role.RESPONDER)
    now = context_of(request).clock.now()
    try:
        data = parse_form(TaskIn, form)
    except ValidationError as exc:
        return _page(request, incident_id, errors=validation_messages(exc, request), status=422)
    return _act(
        request,
        principal,
        incident_id,
        lambda s, a: tasks.add(s, incident_id=incident_id, data=data, actor=a, now=now),
    )


@router.post("/tasks/{task_id}")
def toggle_task(
    request: Request, principal: UiViewer, incident_id: Id, task_id: Id, form: FormBody
) -> Response:
    now = context_of(request).clock.now()
    data = TaskUpdate(done=form.get("done") == "true")
    return _act(
        request,
        principal,
        incident_id,
        lambda s, a: tasks.change(
            s, incident_id=incident_id, task_id=task_id, data=data, actor=a, now=now
        ),
    )


@router.post("/merge")
def merge(request: Request, principal: UiViewer, incident_id: Id, form: FormBody) -> Response:
    now = context_of(request).clock.now()
    principal.require(Role.RESPONDER)
    raw = (_text(form, "incident_ids") or "").replace("#", " ").replace(",", " ").split()
    if not raw:
        return _page(
            request, incident_id, errors=["give incident numbers, e.g. 12, 15"], status=422
        )
    try:
        ids = [parse_id(part, location="form.incident_ids") for part in raw]
    except Invalid as exc:
        return _page(request, incident_id, errors=[exc.detail], status=422)
    return _act(
        request,
        principal,
        incident_id,
        lambda s, a: merging.merge(s, survivor_id=incident_id, duplicate_ids=ids, actor=a, now=now),
    )


@router.post("/links")
def link(request: Request, principal: UiViewer, incident_id: Id, form: FormBody) -> Response:
    now = context_of(request).clock.now()
    principal.require(Role.RESPONDER)
    other = (_text(form, "incident_id") or "").lstrip("#")
    if not other:
        return _page(request, incident_id, errors=["give an incident number"], status=422)
    try:
        other_id = parse_id(other, location="form.incident_id")
    except Invalid as exc:
        return _page(request, incident_id, errors=[exc.detail], status=422)
    return _act(
        request,
        principal,
        incident_id,
        lambda s, a: links.link(s, incident_id=incident_id, other_id=other_id, actor=a, now=now),
    )


@router.post("/page")
def page_people(request: Request, principal: UiViewer, incident_id: Id, form: FormBody) -> Response:
    """Page people by hand; the service writes a `paged` entry on the timeline."""
    principal.require(Role.RESPONDER)
    now = context_of(request).clock.now()
    actor = Actor(principal.user_id, principal.login)
    outcome = submit(
        request,
        PageIn,
        form,
        lambda s, data: len(
            escalation.page_by_hand(s, incident_id=incident_id, data=data, actor=actor, now=now)
        ),
        lists=("user_ids", "team_ids", "schedule_ids"),
    )
    if not outcome.ok:
        return _page(request, incident_id, errors=outcome.errors, status=422)
    return RedirectResponse(f"/incidents/{incident_id}", status_code=303)
