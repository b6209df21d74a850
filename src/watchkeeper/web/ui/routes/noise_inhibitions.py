"""Inhibition rules pages: the list for everyone; create, change and delete for admins."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from watchkeeper.catalog.access.principal import Principal
from watchkeeper.catalog.users.roles import Role
from watchkeeper.core.ids import Id
from watchkeeper.pipeline.correlate.noise import service as noise
from watchkeeper.pipeline.correlate.noise.models import InhibitionRule
from watchkeeper.pipeline.correlate.noise.schemas import InhibitionFields, InhibitionUpdate
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import FormBody, UiAdmin, UiViewer
from watchkeeper.web.ui.routes.forms import attempt, parse_form
from watchkeeper.web.ui.routes.noise_forms import can, matcher_lines, matchers_text, save, text
from watchkeeper.web.ui.templating import render

router = APIRouter(prefix="/inhibition-rules")
HERE = "/inhibition-rules"
_TEXT_FIELDS = ("name", "source_matchers", "target_matchers", "equal")


class InhibitionForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = ""
    enabled: bool = False
    source_matchers: str = ""
    target_matchers: str = ""
    equal: list[str] = Field(default_factory=list)


def inhibition_fields(form: FormData) -> dict[str, Any]:
    data = parse_form(InhibitionForm, form, lists=("equal",))
    return {
        "name": data.name.strip(),
        "enabled": data.enabled,
        "source_matchers": matcher_lines(data.source_matchers, "source matchers", required=True),
        "target_matchers": matcher_lines(data.target_matchers, "target matchers", required=True),
        "equal": data.equal,
    }


def form_values(rule: InhibitionRule | None, draft: FormData) -> dict[str, Any]:
    """What the form shows: the posted draft, else the rule, else a new rule."""
    if draft:
        return {key: text(draft, key) for key in _TEXT_FIELDS} | {"enabled": "enabled" in draft}
    if rule is None:
        return dict.fromkeys(_TEXT_FIELDS, "") | {"enabled": True}
    return {
        "name": rule.name,
        "enabled": rule.enabled,
        "source_matchers": "\n".join(matchers_text(rule.source_matchers)),
        "target_matchers": "\n".join(matchers_text(rule.target_matchers)),
        "equal": " ".join(rule.equal),
    }


def _list_page(
    request: Request,
    principal: Principal,
    draft: FormData,
    *,
    status: int = 200,
    **extra: Any,
) -> Response:
    def load(session: Session) -> dict[str, Any]:
        rows = noise.list_inhibitions(session)
        return {
            "rules": [
                (rule, matchers_text(rule.source_matchers), matchers_text(rule.target_matchers))
                for rule in rows
            ]
        }

    context = context_of(request).database.run(load, write=False)
    context |= {
        "can_edit": can(principal, Role.ADMIN),
        "values": form_values(None, draft),
        "creating": bool(draft),
    }
    return render(request, "noise/inhibitions.html", {**context, **extra}, status_code=status)


@router.get("")
def list_inhibitions(request: Request, principal: UiViewer) -> Response:
    return _list_page(request, principal, FormData())


@router.post("")
def create_inhibition(request: Request, principal: UiAdmin, form: FormBody) -> Response:
    now = context_of(request).clock.now()
    outcome = save(
        request,
        lambda: InhibitionFields.model_validate(inhibition_fields(form)),
        lambda s, data: noise.create_inhibition(s, data=data, now=now).id,
    )
    if not outcome.ok:
        return _list_page(request, principal, form, status=422, errors=outcome.errors)
    return RedirectResponse(f"{HERE}#inhibition-{outcome.value}", status_code=303)


def _rule_page(
    request: Request, rule_id: int, draft: FormData, *, status: int = 200, **extra: Any
) -> Response:
    def load(session: Session) -> dict[str, Any]:
        rule = noise.get_inhibition(session, rule_id=rule_id)
        return {"rule": rule, "values": form_values(rule, draft)}

    context = context_of(request).database.run(load, write=False)
    return render(request, "noise/inhibition.html", {**context, **extra}, status_code=status)


@router.get("/{rule_id}")
def show_inhibition(request: Request, _: UiAdmin, rule_id: Id) -> Response:
    return _rule_page(request, rule_id, FormData())


@router.post("/{rule_id}")
def update_inhibition(request: Request, _: UiAdmin, rule_id: Id, form: FormBody) -> Response:
    outcome = save(
        request,
        lambda: InhibitionUpdate.model_validate(inhibition_fields(form)),
        lambda s, data: noise.update_inhibition(s, rule_id=rule_id, data=data).id,
    )
    if not outcome.ok:
        return _rule_page(request, rule_id, form, status=422, errors=outcome.errors)
    return RedirectResponse(f"{HERE}#inhibition-{rule_id}", status_code=303)


@router.post("/{rule_id}/delete")
def delete_inhibition(request: Request, principal: UiAdmin, rule_id: Id) -> Response:
    outcome = attempt(request, lambda s: noise.delete_inhibition(s, rule_id=rule_id))
    if not outcome.ok:
        return _list_page(request, principal, FormData(), status=404, errors=outcome.errors)
    return RedirectResponse(HERE, status_code=303)
