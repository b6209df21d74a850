"""Admin page of stakeholder updates: the templates they are written from and the rules
that add stakeholders to incidents."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from watchkeeper.catalog.teams.models import Team
from watchkeeper.core.ids import Id
from watchkeeper.response.stakeholders import service as stakeholders
from watchkeeper.response.stakeholders.schemas import RuleIn, TemplateIn
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import FormBody, UiAdmin
from watchkeeper.web.ui.routes.forms import attempt, parse_form, validation_messages
from watchkeeper.web.ui.routes.incident_lists import people
from watchkeeper.web.ui.templating import render

router = APIRouter(prefix="/admin/stakeholders")
HERE = "/admin/stakeholders"


def _show(request: Request, *, errors: list[str] | None = None, status: int = 200) -> Response:
    def load(session: Session) -> dict[str, Any]:
        return {
            "templates": stakeholders.list_templates(session),
            "rules": stakeholders.list_rules(session),
            "teams": {t.id: t.name for t in session.scalars(select(Team).order_by(Team.name))},
            "people": people(session),
            "placeholders": stakeholders.PLACEHOLDERS,
        }

    context = context_of(request).database.run(load, write=False)
    return render(
        request, "admin/stakeholders.html", {**context, "errors": errors}, status_code=status
    )


def _done(request: Request, errors: list[str] | None) -> Response:
    if errors:
        return _show(request, errors=errors, status=422)
    return RedirectResponse(HERE, status_code=303)


@router.get("")
def show(request: Request, _: UiAdmin) -> Response:
    return _show(request)


@router.post("/templates")
def create_template(request: Request, _: UiAdmin, form: FormBody) -> Response:
    now = context_of(request).clock.now()
    try:
        data = parse_form(TemplateIn, form)
    except ValidationError as exc:
        return _done(request, validation_messages(exc))
    return _done(
        request,
        attempt(request, lambda s: stakeholders.create_template(s, data=data, now=now)).errors,
    )


@router.post("/templates/{template_id}/delete")
def delete_template(request: Request, _: UiAdmin, template_id: Id) -> Response:
    outcome = attempt(request, lambda s: stakeholders.delete_template(s, template_id=template_id))
    return _done(request, outcome.errors)


@router.post("/rules")
def create_rule(request: Request, _: UiAdmin, form: FormBody) -> Response:
    now = context_of(request).clock.now()
    try:
        data = parse_form(RuleIn, form)
    except ValidationError as exc:
        return _done(request, validation_messages(exc))
    return _done(
        request, attempt(request, lambda s: stakeholders.add_rule(s, data=data, now=now)).errors
    )


@router.post("/rules/{rule_id}/delete")
def delete_rule(request: Request, _: UiAdmin, rule_id: Id) -> Response:
    outcome = attempt(request, lambda s: stakeholders.remove_rule(s, rule_id=rule_id))
    return _done(request, outcome.errors)
