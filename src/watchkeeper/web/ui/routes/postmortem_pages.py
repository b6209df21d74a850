"""Postmortem pages: the list and what is due, one postmortem (edit with a live preview,
review, publish, export), the printable page, and starring timeline entries."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter
from markupsafe import Markup
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from watchkeeper.catalog.users.roles import Role
from watchkeeper.core.ids import Id
from watchkeeper.incidents.timeline import Actor
from watchkeeper.response.actions import queries as action_queries
from watchkeeper.response.actions import service as actions
from watchkeeper.response.actions.queries import ActionFilter
from watchkeeper.response.postmortems import due, export, queries
from watchkeeper.response.postmortems import service as postmortems
from watchkeeper.response.postmortems.schemas import (
    PostmortemCreate,
    PostmortemUpdate,
    ReviewersIn,
    TemplateIn,
)
from watchkeeper.response.postmortems.service import MOVES
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import FormBody, UiAdmin, UiViewer
from watchkeeper.web.ui.postmortem_print import printable
from watchkeeper.web.ui.routes.forms import attempt, validation_messages
from watchkeeper.web.ui.routes.incident_lists import people
from watchkeeper.web.ui.routes.incident_page import show_with_errors as incident_page
from watchkeeper.web.ui.templating import document, render

router = APIRouter()
_ONE = "/postmortems/{postmortem_id}"


def _actor(principal: UiViewer) -> Actor:
    principal.require(Role.RESPONDER)
    return Actor(principal.user_id, principal.login)


@router.get("/postmortems")
def list_page(request: Request, _: UiViewer) -> Response:
    ctx = context_of(request)
    now = ctx.clock.now()

    def load(session: Session) -> dict[str, Any]:
        owed = due.owed(
            session,
            priorities=ctx.settings.required_postmortem_priorities,
            business_days=ctx.settings.postmortem_due_business_days,
            now=now,
        )
        return {
            "postmortems": queries.list_(session),
            "due": [due.out(item, now) for item in owed],
            "names": people(session),
        }

    return render(request, "postmortems/list.html", ctx.database.run(load, write=False))


@router.post("/incidents/{incident_id}/postmortem")
def create(request: Request, principal: UiViewer, incident_id: Id) -> Response:
    actor, now = _actor(principal), context_of(request).clock.now()
    outcome = attempt(
        request,
        lambda s: (
            postmortems.create(
                s,
                incident_id=incident_id,
                data=PostmortemCreate(),
                actor=actor,
                zone=principal.time_zone,
                now=now,
            ).id
        ),
    )
    if not outcome.ok:
        return incident_page(request, incident_id, errors=outcome.errors, status=409)
    return RedirectResponse(f"/postmortems/{outcome.value}", status_code=303)


@router.post("/incidents/{incident_id}/timeline/{entry_id}/star")
def star(
    request: Request, principal: UiViewer, incident_id: Id, entry_id: Id, form: FormBody
) -> Response:
    actor = _actor(principal)
    starred = form.get("starred") == "true"
    outcome = attempt(
        request,
        lambda s: postmortems.star(
            s, incident_id=incident_id, entry_id=entry_id, starred=starred, actor=actor
        ),
    )
    if not outcome.ok:
        return HTMLResponse("; ".join(outcome.errors), status_code=404)
    if request.headers.get("hx-request"):
        return render(
            request,
            "postmortems/_star.html",
            {"entry_id": entry_id, "incident_id": incident_id, "starred": starred},
        )
    return RedirectResponse(f"/incidents/{incident_id}#entry-{entry_id}", status_code=303)


def _page(
    request: Request, postmortem_id: int, *, errors: list[str] | None = None, status: int = 200
) -> Response:
    ctx = context_of(request)

    def load(session: Session) -> dict[str, Any]:
        postmortem = postmortems.get(session, postmortem_id=postmortem_id)
        view = queries.out(session, postmortem)
        zone = getattr(request.state, "time_zone", "UTC")
        return {
            "postmortem": view,
            "lines": export.fact_lines(view.facts, zone),
            "actions": [a for a, (source, _) in MOVES.items() if source == view.status],
            "names": people(session),
            "zone_info": ZoneInfo(zone),
            "action_items": action_queries.list_(
                session,
                where=ActionFilter(postmortem_id=postmortem.id),
                today=actions.today(ctx.clock.now(), zone),
            ),
        }

    context = ctx.database.run(load, write=False)
    return render(
        request, "postmortems/show.html", {**context, "errors": errors}, status_code=status
    )


@router.get(_ONE)
def show(request: Request, _: UiViewer, postmortem_id: Id) -> Response:
    return _page(request, postmortem_id)


@router.post(_ONE)
def save(request: Request, principal: UiViewer, postmortem_id: Id, form: FormBody) -> Response:
    actor, now = _actor(principal), context_of(request).clock.now()
    fields: dict[str, Any] = {}
    for name in ("title", "body", "public_summary", "owner_id"):
        if isinstance(value := form.get(name), str) and (value or name != "owner_id"):
            fields[name] = value
    if "public_form" in form:
        fields["public"] = form.get("public") == "on"
    if "mitigated_at" in form:
        fields["mitigated_at"] = _local(form.get("mitigated_at"), principal.time_zone)
    try:
        data = PostmortemUpdate.model_validate(fields)
    except ValidationError as exc:
        return _page(request, postmortem_id, errors=validation_messages(exc, request), status=422)
    except ValueError as exc:
        return _page(request, postmortem_id, errors=[str(exc)], status=422)
    outcome = attempt(
        request,
        lambda s: postmortems.update(
            s, postmortem_id=postmortem_id, data=data, actor=actor, now=now
        ),
    )
    if not outcome.ok:
        return _page(request, postmortem_id, errors=outcome.errors, status=409)
    return RedirectResponse(f"/postmortems/{postmortem_id}", status_code=303)


def _local(value: object, zone: str) -> datetime | None:
    """A `datetime-local` field, read in the viewer's zone; empty clears it."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError("Mitigated at: give a date and time, e.g. 2026-03-29 14:05") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo(zone))


@router.post(f"{_ONE}/reviewers")
def reviewers(request: Request, principal: UiViewer, postmortem_id: Id, form: FormBody) -> Response:
    actor, now = _actor(principal), context_of(request).clock.now()
    try:
        data = ReviewersIn.model_validate({"user_ids": form.getlist("user_ids")})
    except ValidationError as exc:
        return _page(request, postmortem_id, errors=validation_messages(exc, request), status=422)
    return _run(
        request,
        postmortem_id,
        lambda s: postmortems.request_review(
            s, postmortem_id=postmortem_id, data=data, actor=actor, now=now
        ),
    )


@router.post(f"{_ONE}/approve")
def approve(request: Request, principal: UiViewer, postmortem_id: Id) -> Response:
    actor, now = _actor(principal), context_of(request).clock.now()
    return _run(
        request,
        postmortem_id,
        lambda s: postmortems.approve(s, postmortem_id=postmortem_id, actor=actor, now=now),
    )


@router.post(f"{_ONE}/move/{{action}}")
def move(request: Request, principal: UiViewer, postmortem_id: Id, action: str) -> Response:
    actor, now = _actor(principal), context_of(request).clock.now()
    if action not in MOVES:
        return _page(request, postmortem_id, errors=[f"no such step: {action}"], status=404)
    return _run(
        request,
        postmortem_id,
        lambda s: postmortems.move(
            s, postmortem_id=postmortem_id, action=action, actor=actor, now=now
        ),
    )


def _run(request: Request, postmortem_id: int, work: Any) -> Response:
    outcome = attempt(request, work)
    if not outcome.ok:
        return _page(request, postmortem_id, errors=outcome.errors, status=409)
    return RedirectResponse(f"/postmortems/{postmortem_id}", status_code=303)


@router.post("/postmortems-preview")
def preview(_: UiViewer, form: FormBody) -> Response:
    """The live preview: what the Markdown will look like, rendered by the same rules."""
    body = form.get("body")
    html: Markup = document(body if isinstance(body, str) else "")
    return HTMLResponse(str(html))


@router.get(f"{_ONE}/print")
def print_page(request: Request, principal: UiViewer, postmortem_id: Id) -> Response:
    def load(session: Session) -> str:
        postmortem = postmortems.get(session, postmortem_id=postmortem_id)
        facts = postmortems.facts_of(postmortem)
        return printable(request, postmortem=postmortem, facts=facts, zone=principal.time_zone)

    return HTMLResponse(context_of(request).database.run(load, write=False))


@router.get(f"{_ONE}/export.md")
def export_markdown(request: Request, principal: UiViewer, postmortem_id: Id) -> Response:
    def load(session: Session) -> tuple[int, str]:
        pm = postmortems.get(session, postmortem_id=postmortem_id)
        text = export.markdown(
            title=pm.title,
            status=pm.status,
            facts=postmortems.facts_of(pm),
            body=pm.body,
            zone=principal.time_zone,
        )
        return pm.incident_id, text

    number, text = context_of(request).database.run(load, write=False)
    headers = {"Content-Disposition": f'attachment; filename="postmortem-{number}.md"'}
    return PlainTextResponse(text, media_type="text/markdown; charset=utf-8", headers=headers)


@router.get("/admin/postmortem-template")
def template_page(request: Request, _: UiAdmin) -> Response:
    sections, is_default = context_of(request).database.run(postmortems.sections, write=False)
    return render(
        request, "postmortems/template.html", {"sections": sections, "is_default": is_default}
    )


@router.post("/admin/postmortem-template")
def save_template(request: Request, _: UiAdmin, form: FormBody) -> Response:
    now = context_of(request).clock.now()
    raw = form.get("sections")
    lines = [line.strip() for line in (raw if isinstance(raw, str) else "").splitlines()]
    try:
        data = TemplateIn.model_validate({"sections": [line for line in lines if line]})
    except ValidationError as exc:
        return render(
            request,
            "postmortems/template.html",
            {"sections": lines, "is_default": False, "errors": validation_messages(exc, request)},
            status_code=422,
        )
    outcome = attempt(request, lambda s: postmortems.set_sections(s, data=data, now=now))
    if not outcome.ok:
        return render(
            request,
            "postmortems/template.html",
            {"sections": lines, "errors": outcome.errors},
            status_code=409,
        )
    return RedirectResponse("/admin/postmortem-template", status_code=303)
