"""Response-plan pages: the list, and one form to write or change a plan. Steps are one
per line: `text`, then optionally `| role` and `| article 12`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from watchkeeper.catalog.categories import service as categories
from watchkeeper.catalog.services import service as services
from watchkeeper.catalog.users.roles import Role
from watchkeeper.core.ids import Id
from watchkeeper.response.kb import queries as kb_queries
from watchkeeper.response.plans import queries
from watchkeeper.response.plans import service as plans
from watchkeeper.response.plans.schemas import PlanIn, PlanOut, PlanUpdate
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import FormBody, UiViewer
from watchkeeper.web.ui.routes.forms import attempt, validation_messages
from watchkeeper.web.ui.templating import render

router = APIRouter(prefix="/response-plans")


def steps_text(plan: PlanOut) -> str:
    lines = []
    for step in plan.steps:
        parts = [step.text]
        if step.role:
            parts.append(step.role.value)
        if step.article_id:
            parts.append(f"article {step.article_id}")
        lines.append(" | ".join(parts))
    return "\n".join(lines)


def _steps(text: str) -> list[dict[str, Any]]:
    found = []
    for line in text.splitlines():
        parts = [part.strip() for part in line.split("|")]
        if not parts[0]:
            continue
        step: dict[str, Any] = {"text": parts[0]}
        for part in parts[1:]:
            if part.lower().startswith("article"):
                step["article_id"] = part[len("article") :].strip().lstrip("#")
            elif part:
                step["role"] = part.lower().replace(" ", "_")
        found.append(step)
    return found


def _data(form: FormBody) -> dict[str, Any]:
    def text(name: str) -> str:
        value = form.get(name)
        return value if isinstance(value, str) else ""

    return {
        "name": text("name"),
        "description": text("description"),
        "enabled": form.get("enabled") == "on",
        "service_id": text("service_id") or None,
        "category_id": text("category_id") or None,
        "priority_min": text("priority_min") or 1,
        "priority_max": text("priority_max") or 5,
        "matchers": [line.strip() for line in text("matchers").splitlines() if line.strip()],
        "steps": _steps(text("steps")),
        "article_ids": [p for p in text("article_ids").replace(",", " ").split() if p],
    }


def _page(
    request: Request,
    *,
    plan_id: int | None = None,
    form: dict[str, Any] | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> Response:
    def load(session: Session) -> dict[str, Any]:
        listed = queries.out_many(session, queries.list_(session))
        editing = next((p for p in listed if p.id == plan_id), None) if plan_id else None
        if plan_id and editing is None:
            plans.get(session, plan_id=plan_id)  # not found: the error page
        return {
            "plans": listed,
            "editing": editing,
            "steps_text": steps_text,
            "all_services": services.all_(session),
            "all_categories": categories.tree(session),
            "articles": {a.id: a.title for a in kb_queries.list_(session)},
        }

    context = context_of(request).database.run(load, write=False)
    return render(
        request,
        "kb/plans.html",
        {**context, "form": form, "errors": errors},
        status_code=status,
    )


@router.get("")
def list_page(request: Request, _: UiViewer) -> Response:
    return _page(request)


@router.get("/{plan_id}")
def edit_page(request: Request, _: UiViewer, plan_id: Id) -> Response:
    return _page(request, plan_id=plan_id)


@router.post("")
def create(request: Request, principal: UiViewer, form: FormBody) -> Response:
    return _save(request, principal, form, None)


@router.post("/{plan_id}")
def save(request: Request, principal: UiViewer, plan_id: Id, form: FormBody) -> Response:
    return _save(request, principal, form, plan_id)


def _save(request: Request, principal: Any, form: FormBody, plan_id: int | None) -> Response:
    principal.require(Role.RESPONDER)
    now = context_of(request).clock.now()
    raw = _data(form)
    try:
        data = PlanIn.model_validate(raw)
    except ValidationError as exc:
        return _page(
            request, plan_id=plan_id, form=raw, errors=validation_messages(exc), status=422
        )

    def work(session: Session) -> int:
        if plan_id is None:
            return plans.create(session, data=data, now=now).id
        update = PlanUpdate.model_validate(data.model_dump(mode="json"))
        return plans.update(session, plan_id=plan_id, data=update, now=now).id

    outcome = attempt(request, work)
    if not outcome.ok:
        return _page(request, plan_id=plan_id, form=raw, errors=outcome.errors, status=422)
    return RedirectResponse("/response-plans", status_code=303)


@router.post("/{plan_id}/delete")
def delete(request: Request, principal: UiViewer, plan_id: Id) -> Response:
    principal.require(Role.RESPONDER)
    context_of(request).database.run(lambda s: plans.remove(s, plan_id=plan_id))
    return RedirectResponse("/response-plans", status_code=303)
