"""Automation pages: workflows (list, one with its runs, a dry run against an incident, a
new one from YAML or JSON) and drills (list, fire, each one's runs)."""

from __future__ import annotations

from typing import Any

import yaml
from fastapi import APIRouter
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from watchkeeper.catalog.users.roles import Role
from watchkeeper.core.ids import Id
from watchkeeper.pipeline.notify.channels.guard import OutboundGuard
from watchkeeper.response.drills import queries as drill_queries
from watchkeeper.response.drills import service as drills
from watchkeeper.response.workflows import cycle, queries
from watchkeeper.response.workflows import service as workflows
from watchkeeper.response.workflows.schemas import DryRunOut, WorkflowCreate, WorkflowUpdate
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import FormBody, UiViewer
from watchkeeper.web.ui.routes.forms import attempt, validation_messages
from watchkeeper.web.ui.templating import render

router = APIRouter(prefix="/automation")


def _list(
    request: Request,
    *,
    errors: list[str] | None = None,
    source: str = "",
    secret: str | None = None,
    status: int = 200,
) -> Response:
    def load(session: Session) -> dict[str, Any]:
        return {
            "workflows": [workflows.out(w) for w in workflows.list_(session)],
            "drills": [
                (drill_queries.drill_out(d), drill_queries.runs(session, drill_id=d.id, limit=5))
                for d in drills.list_(session)
            ],
        }

    context = context_of(request).database.run(load, write=False)
    extra = {"errors": errors, "source": source, "secret": secret}
    return render(request, "automation/list.html", {**context, **extra}, status_code=status)


@router.get("")
def list_page(request: Request, _: UiViewer) -> Response:
    return _list(request)


@router.post("/workflows")
def create(request: Request, principal: UiViewer, form: FormBody) -> Response:
    principal.require(Role.ADMIN)
    source = str(form.get("source") or "")
    ctx = context_of(request)
    try:
        data = WorkflowCreate.model_validate(yaml.safe_load(source) or {})
    except yaml.YAMLError as exc:
        return _list(request, errors=[f"not YAML or JSON: {exc}"], source=source, status=422)
    except ValidationError as exc:
        return _list(request, errors=validation_messages(exc), source=source, status=422)
    guard = OutboundGuard(ctx.settings.outbound_allow)
    now = ctx.clock.now()
    outcome = attempt(
        request,
        lambda s: workflows.create(
            s, data=data, guard=guard, sealer=ctx.sealer, user_id=principal.user_id, now=now
        )[1],
    )
    if not outcome.ok:
        return _list(request, errors=outcome.errors, source=source, status=422)
    return _list(request, secret=outcome.value, status=201)


def _page(
    request: Request,
    workflow_id: int,
    *,
    tried: DryRunOut | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> Response:
    def load(session: Session) -> dict[str, Any]:
        return {
            "workflow": workflows.out(workflows.get(session, workflow_id=workflow_id)),
            "runs": queries.runs(session, workflow_id=workflow_id, limit=50),
        }

    context = context_of(request).database.run(load, write=False)
    extra = {"tried": tried, "errors": errors}
    return render(request, "automation/workflow.html", {**context, **extra}, status_code=status)


@router.get("/workflows/{workflow_id}")
def show(request: Request, _: UiViewer, workflow_id: Id) -> Response:
    return _page(request, workflow_id)


@router.post("/workflows/{workflow_id}/test")
def try_it(request: Request, principal: UiViewer, workflow_id: Id, form: FormBody) -> Response:
    principal.require(Role.RESPONDER)
    ctx = context_of(request)
    raw = str(form.get("incident_id") or "").strip().lstrip("#")
    if not raw.isdigit():
        return _page(request, workflow_id, errors=["give an incident number, e.g. 12"], status=422)
    now, base_url = ctx.clock.now(), ctx.settings.resolved_base_url

    def work(session: Session) -> DryRunOut:
        workflow = workflows.get(session, workflow_id=workflow_id)
        return cycle.dry_run(
            session, workflow=workflow, incident_id=int(raw), now=now, base_url=base_url
        )

    outcome = attempt(request, work)
    if not outcome.ok:
        return _page(request, workflow_id, errors=outcome.errors, status=422)
    return _page(request, workflow_id, tried=outcome.value)


@router.post("/drills/{drill_id}/fire")
def fire(request: Request, principal: UiViewer, drill_id: Id) -> Response:
    principal.require(Role.RESPONDER)
    now = context_of(request).clock.now()
    outcome = attempt(
        request,
        lambda s: (
            drills.fire(
                s, drill=drills.get(s, drill_id=drill_id), user_id=principal.user_id, now=now
            ).id
        ),
    )
    if not outcome.ok:
        return _list(request, errors=outcome.errors, status=422)
    return RedirectResponse("/automation", status_code=303)


@router.post("/workflows/{workflow_id}/enabled")
def switch(request: Request, principal: UiViewer, workflow_id: Id, form: FormBody) -> Response:
    """Turn a workflow on or off (its actions are checked again, as on every save)."""
    principal.require(Role.ADMIN)
    ctx = context_of(request)
    data = WorkflowUpdate(enabled=form.get("enabled") == "on")
    guard, now = OutboundGuard(ctx.settings.outbound_allow), ctx.clock.now()
    outcome = attempt(
        request,
        lambda s: workflows.update(s, workflow_id=workflow_id, data=data, guard=guard, now=now).id,
    )
    if not outcome.ok:
        return _page(request, workflow_id, errors=outcome.errors, status=422)
    return RedirectResponse(f"/automation/workflows/{workflow_id}", status_code=303)


@router.post("/workflows/{workflow_id}/delete")
def remove(request: Request, principal: UiViewer, workflow_id: Id) -> Response:
    principal.require(Role.ADMIN)
    outcome = attempt(request, lambda s: workflows.delete(s, workflow_id=workflow_id))
    if not outcome.ok:
        return _page(request, workflow_id, errors=outcome.errors, status=422)
    return RedirectResponse("/automation", status_code=303)
