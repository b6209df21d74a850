"""Routing rules pages: the ordered list with move up/down, create, edit and delete for
admins, and "Try it": what the rules would do with a sample payload, right now."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from watchkeeper.catalog.access.principal import Principal
from watchkeeper.catalog.categories import service as categories
from watchkeeper.catalog.users.roles import Role
from watchkeeper.core.errors import Invalid
from watchkeeper.core.ids import Id
from watchkeeper.core.priority import IMPACT_NAMES, URGENCY_NAMES
from watchkeeper.pipeline.correlate.noise import explain
from watchkeeper.pipeline.correlate.noise import service as noise
from watchkeeper.pipeline.correlate.noise.models import RoutingRule
from watchkeeper.pipeline.correlate.noise.schemas import (
    MoveIn,
    RoutingRuleCreate,
    RoutingRuleUpdate,
    RuleHit,
    RulesTestIn,
    RulesTestOut,
    SampleType,
)
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import FormBody, UiAdmin, UiViewer
from watchkeeper.web.ui.routes.forms import attempt, parse_form
from watchkeeper.web.ui.routes.noise_forms import (
    can,
    checked,
    matcher_lines,
    matchers_text,
    save,
    service_names,
    text,
)
from watchkeeper.web.ui.templating import render

router = APIRouter(prefix="/routing-rules")
HERE = "/routing-rules"
SAMPLE_TYPES = ("alertmanager", "grafana", "pagerduty", "generic")
LEVEL_NAMES = {"impacts": IMPACT_NAMES, "urgencies": URGENCY_NAMES}
_LEVEL_FIELDS = ("set_service_id", "set_impact", "set_urgency", "set_category_id")
_TEXT_FIELDS = ("name", "matchers", *_LEVEL_FIELDS, "add_tags", "outcome", "position")


class RuleForm(BaseModel):
    """A rule as the form posts it: matchers one per line, one outcome of three."""

    model_config = ConfigDict(extra="forbid")

    name: str = ""
    enabled: bool = False
    matchers: str = ""
    set_service_id: Id | None = None
    set_impact: int | None = None
    set_urgency: int | None = None
    set_category_id: Id | None = None
    add_tags: list[str] = Field(default_factory=list)
    outcome: Literal["route", "suppress", "drop"] = "route"
    continue_matching: bool = False
    position: int | None = None


class TryForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: SampleType = "alertmanager"
    service_id: Id | None = None
    payload: str = ""


@dataclass(frozen=True)
class Names:
    services: dict[int, str]
    categories: dict[int, str]

    def effects(self, rule: RoutingRule | RuleHit) -> str:
        """`service Web, urgency 1, tags db, continue`: what a rule does, in words."""
        parts = []
        if rule.set_service_id is not None:
            parts.append(f"service {self.services.get(rule.set_service_id, rule.set_service_id)}")
        parts += [
            f"{name} {value}"
            for name, value in (("impact", rule.set_impact), ("urgency", rule.set_urgency))
            if value is not None
        ]
        if rule.set_category_id is not None:
            parts.append(
                f"category {self.categories.get(rule.set_category_id, rule.set_category_id)}"
            )
        if rule.add_tags:
            parts.append("tags " + ", ".join(rule.add_tags))
        parts += [word for word in ("drop", "suppress") if getattr(rule, word)]
        if rule.continue_matching:
            parts.append("continue")
        return ", ".join(parts) or "nothing"


def names(session: Session) -> Names:
    return Names(
        services=service_names(session),
        categories={category.id: category.path for category in categories.tree(session)},
    )


def rule_fields(form: FormData) -> tuple[dict[str, Any], int | None]:
    """The rule's fields as the schemas take them, and the position asked for."""
    data = parse_form(RuleForm, form, lists=("add_tags",))
    fields = data.model_dump(exclude={"outcome", "position", "matchers"})
    fields |= {
        "name": data.name.strip(),
        "matchers": matcher_lines(data.matchers, "matchers"),
        "drop": data.outcome == "drop",
        "suppress": data.outcome == "suppress",
    }
    return fields, data.position


def _created(form: FormData) -> RoutingRuleCreate:
    fields, position = rule_fields(form)
    return RoutingRuleCreate.model_validate({**fields, "position": position})


def _changed(form: FormData) -> RoutingRuleUpdate:
    return RoutingRuleUpdate.model_validate(rule_fields(form)[0])


def form_values(rule: RoutingRule | None, draft: FormData) -> dict[str, Any]:
    """What the rule form shows: the posted draft, else the rule, else a new rule."""
    if draft:
        values: dict[str, Any] = {key: text(draft, key) for key in _TEXT_FIELDS}
        return values | {
            "enabled": "enabled" in draft,
            "continue_matching": "continue_matching" in draft,
        }
    if rule is None:
        return dict.fromkeys(_TEXT_FIELDS, "") | {
            "enabled": True,
            "continue_matching": False,
            "outcome": "route",
        }
    outcome = "drop" if rule.drop else "suppress" if rule.suppress else "route"
    values = {
        key: "" if getattr(rule, key) is None else str(getattr(rule, key)) for key in _LEVEL_FIELDS
    }
    return values | {
        "name": rule.name,
        "matchers": "\n".join(matchers_text(rule.matchers)),
        "add_tags": " ".join(rule.add_tags),
        "outcome": outcome,
        "enabled": rule.enabled,
        "continue_matching": rule.continue_matching,
    }


def _sample(form: FormData) -> RulesTestIn:
    data = parse_form(TryForm, form)
    try:
        payload = json.loads(data.payload)
    except json.JSONDecodeError as exc:
        raise Invalid(f"payload: not JSON: {exc}") from None
    if data.service_id is None:
        raise Invalid("service: choose the service whose integration would receive it")
    return RulesTestIn(type=data.type, service_id=data.service_id, payload=payload)


def _explain(request: Request, form: FormData) -> RulesTestOut:
    ctx = context_of(request)
    sample, now, settings = _sample(form), ctx.clock.now(), ctx.settings
    return ctx.database.run(
        lambda session: explain.explain(
            session,
            sample_type=sample.type,
            service_id=sample.service_id,
            payload=sample.payload,
            now=now,
            flap_changes=settings.flap_changes,
            flap_window=timedelta(minutes=settings.flap_window_minutes),
        ),
        write=False,
    )


def _list_page(
    request: Request,
    principal: Principal,
    *,
    draft: FormData | None = None,
    trial: FormData | None = None,
    status: int = 200,
    **extra: Any,
) -> Response:
    def load(session: Session) -> dict[str, Any]:
        rows = noise.list_rules(session)
        return {
            "rules": [(rule, matchers_text(rule.matchers)) for rule in rows],
            "names": names(session),
        }

    context = context_of(request).database.run(load, write=False)
    context |= {
        "can_edit": can(principal, Role.ADMIN),
        "values": form_values(None, draft or FormData()),
        "creating": draft is not None,
        "trial": trial or FormData(),
        "sample_types": SAMPLE_TYPES,
        **LEVEL_NAMES,
    }
    return render(request, "noise/rules.html", {**context, **extra}, status_code=status)


@router.get("")
def list_rules(
    request: Request,
    principal: UiViewer,
    name: Annotated[str | None, Query(max_length=100)] = None,
    matchers: Annotated[str | None, Query(max_length=4000)] = None,
    outcome: Literal["route", "suppress", "drop"] | None = None,
    set_urgency: Annotated[int | None, Query(ge=1, le=4)] = None,
) -> Response:
    """`?name=&matchers=&outcome=&set_urgency=` open the new-rule form prefilled (the
    noise report's one-click fixes link here); nothing is saved until it is posted."""
    given = {"name": name, "matchers": matchers, "outcome": outcome, "set_urgency": set_urgency}
    prefill = {key: str(value) for key, value in given.items() if value is not None}
    if not prefill:
        return _list_page(request, principal)
    draft = FormData({"outcome": "route", **prefill, "enabled": "true"})
    return _list_page(request, principal, draft=draft, prefilled=True)


@router.post("")
def create_rule(request: Request, principal: UiAdmin, form: FormBody) -> Response:
    now = context_of(request).clock.now()
    outcome = save(
        request, lambda: _created(form), lambda s, data: noise.create_rule(s, data=data, now=now).id
    )
    if not outcome.ok:
        return _list_page(request, principal, draft=form, status=422, errors=outcome.errors)
    return RedirectResponse(f"{HERE}#rule-{outcome.value}", status_code=303)


@router.post("/try")
def try_rules(request: Request, principal: UiViewer, form: FormBody) -> Response:
    """Changes nothing, so anyone who may read the rules may try them."""
    outcome = checked(lambda: _explain(request, form))
    if not outcome.ok:
        return _list_page(request, principal, trial=form, status=422, errors=outcome.errors)
    return _list_page(request, principal, trial=form, result=outcome.value)


def _rule_page(
    request: Request, rule_id: int, draft: FormData, *, status: int = 200, **extra: Any
) -> Response:
    def load(session: Session) -> dict[str, Any]:
        rule = noise.get_rule(session, rule_id=rule_id)
        return {"rule": rule, "names": names(session), "values": form_values(rule, draft)}

    context = context_of(request).database.run(load, write=False)
    context |= LEVEL_NAMES
    return render(request, "noise/rule.html", {**context, **extra}, status_code=status)


@router.get("/{rule_id}")
def show_rule(request: Request, _: UiAdmin, rule_id: Id) -> Response:
    return _rule_page(request, rule_id, FormData())


@router.post("/{rule_id}")
def update_rule(request: Request, _: UiAdmin, rule_id: Id, form: FormBody) -> Response:
    now = context_of(request).clock.now()
    outcome = save(
        request,
        lambda: _changed(form),
        lambda s, data: noise.update_rule(s, rule_id=rule_id, data=data, now=now).id,
    )
    if not outcome.ok:
        return _rule_page(request, rule_id, form, status=422, errors=outcome.errors)
    return RedirectResponse(f"{HERE}#rule-{rule_id}", status_code=303)


@router.post("/{rule_id}/move")
def move_rule(request: Request, principal: UiAdmin, rule_id: Id, form: FormBody) -> Response:
    now = context_of(request).clock.now()
    outcome = save(
        request,
        lambda: parse_form(MoveIn, form),
        lambda s, data: noise.move_rule(s, rule_id=rule_id, position=data.position, now=now).id,
    )
    if not outcome.ok:
        return _list_page(request, principal, status=422, errors=outcome.errors)
    return RedirectResponse(f"{HERE}#rule-{rule_id}", status_code=303)


@router.post("/{rule_id}/delete")
def delete_rule(request: Request, principal: UiAdmin, rule_id: Id) -> Response:
    outcome = attempt(request, lambda s: noise.delete_rule(s, rule_id=rule_id))
    if not outcome.ok:
        return _list_page(request, principal, status=404, errors=outcome.errors)
    return RedirectResponse(HERE, status_code=303)
