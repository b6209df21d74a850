"""Knowledge-base pages: the list with search, an article, the editor with a live
preview (static/kb.js asks `POST /api/v1/kb/render`), and the history with diffs and
restore."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from markupsafe import Markup
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from watchkeeper.catalog.categories import service as categories
from watchkeeper.catalog.services import service as services
from watchkeeper.catalog.teams.models import Team
from watchkeeper.catalog.users.roles import Role
from watchkeeper.core.ids import Id
from watchkeeper.incidents.timeline import Actor
from watchkeeper.response.kb import queries
from watchkeeper.response.kb import service as kb
from watchkeeper.response.kb.render import render as render_markdown
from watchkeeper.response.kb.schemas import ArticleIn, ArticleUpdate
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import FormBody, UiViewer
from watchkeeper.web.ui.routes.forms import attempt, validation_messages
from watchkeeper.web.ui.templating import render

router = APIRouter(prefix="/kb")


def _choices(session: Session) -> dict[str, Any]:
    return {
        "all_services": services.all_(session),
        "all_categories": categories.tree(session),
        "all_teams": session.scalars(select(Team).order_by(Team.name)).all(),
    }


def _form_data(form: FormBody) -> dict[str, Any]:
    """The editor's fields as the API would take them."""

    def text(name: str) -> str:
        value = form.get(name)
        return value if isinstance(value, str) else ""

    def ids(name: str) -> list[str]:
        return [v for v in form.getlist(name) if isinstance(v, str) and v]

    team = text("owner_team_id")
    return {
        "title": text("title"),
        "body": text("body"),
        "tags": [t.strip() for t in text("tags").split(",") if t.strip()],
        "matchers": [line.strip() for line in text("matchers").splitlines() if line.strip()],
        "service_ids": ids("service_ids"),
        "category_ids": ids("category_ids"),
        "owner_team_id": team or None,
    }


@router.get("")
def list_page(request: Request, _: UiViewer) -> Response:
    q = (request.query_params.get("q") or "").strip()[:500]
    tag = request.query_params.get("tag") or None

    def load(session: Session) -> dict[str, Any]:
        if q:
            hits = queries.search_articles(session, q, 50)
            return {"hits": [(h, Markup(h.snippet)) for h in hits], "articles": []}
        return {"hits": [], "articles": queries.list_(session, tag=tag)}

    context = context_of(request).database.run(load, write=False)
    return render(request, "kb/list.html", {**context, "q": q, "tag": tag})


def _editor(
    request: Request,
    *,
    article: dict[str, Any],
    action: str,
    errors: list[str] | None = None,
    status: int = 200,
) -> Response:
    context = context_of(request).database.run(_choices, write=False)
    return render(
        request,
        "kb/edit.html",
        {**context, "article": article, "action": action, "errors": errors},
        status_code=status,
    )


@router.get("/new")
def new_page(request: Request, principal: UiViewer) -> Response:
    principal.require(Role.RESPONDER)
    empty: dict[str, Any] = {
        "title": "",
        "body": "",
        "tags": [],
        "matchers": [],
        "service_ids": [],
        "category_ids": [],
        "owner_team_id": None,
    }
    return _editor(request, article=empty, action="/kb")


@router.post("")
def create(request: Request, principal: UiViewer, form: FormBody) -> Response:
    principal.require(Role.RESPONDER)
    actor, now = Actor(principal.user_id, principal.login), context_of(request).clock.now()
    raw = _form_data(form)
    try:
        data = ArticleIn.model_validate(raw)
    except ValidationError as exc:
        return _editor(
            request, article=raw, action="/kb", errors=validation_messages(exc), status=422
        )
    outcome = attempt(request, lambda s: kb.create(s, data=data, actor=actor, now=now).id)
    if not outcome.ok:
        return _editor(request, article=raw, action="/kb", errors=outcome.errors, status=422)
    return RedirectResponse(f"/kb/{outcome.value}", status_code=303)


@router.get("/{article_id}")
def show(request: Request, _: UiViewer, article_id: Id) -> Response:
    def load(session: Session) -> dict[str, Any]:
        view = queries.out(session, kb.get(session, article_id=article_id))
        return {"article": view, "html": Markup(render_markdown(view.body)), **_choices(session)}

    context = context_of(request).database.run(load, write=False)
    return render(request, "kb/show.html", context)


@router.get("/{article_id}/edit")
def edit_page(request: Request, principal: UiViewer, article_id: Id) -> Response:
    principal.require(Role.RESPONDER)

    def load(session: Session) -> dict[str, Any]:
        return queries.out(session, kb.get(session, article_id=article_id)).model_dump()

    article = context_of(request).database.run(load, write=False)
    return _editor(request, article=article, action=f"/kb/{article_id}")


@router.post("/{article_id}")
def save(request: Request, principal: UiViewer, article_id: Id, form: FormBody) -> Response:
    principal.require(Role.RESPONDER)
    actor, now = Actor(principal.user_id, principal.login), context_of(request).clock.now()
    raw = _form_data(form)
    note = form.get("note")
    action = f"/kb/{article_id}"
    try:
        data = ArticleUpdate.model_validate(
            {**raw, "note": note if isinstance(note, str) else ""}
            | ({} if raw["owner_team_id"] else {"owner_team_id": None})
        )
    except ValidationError as exc:
        return _editor(
            request, article=raw, action=action, errors=validation_messages(exc), status=422
        )
    outcome = attempt(
        request, lambda s: kb.update(s, article_id=article_id, data=data, actor=actor, now=now).id
    )
    if not outcome.ok:
        return _editor(request, article=raw, action=action, errors=outcome.errors, status=422)
    return RedirectResponse(f"/kb/{article_id}", status_code=303)


@router.get("/{article_id}/history")
def history(request: Request, _: UiViewer, article_id: Id) -> Response:
    def number(name: str) -> int | None:
        value = request.query_params.get(name, "")
        return int(value) if value.isdigit() and 0 < int(value) < 1_000_000 else None

    old, new = number("old"), number("new")

    def load(session: Session) -> dict[str, Any]:
        article = kb.get(session, article_id=article_id)
        versions = queries.versions(session, article_id=article_id)
        diff = None
        if old and new:
            diff = queries.diff(session, article_id=article_id, old=old, new=new).diff
        elif len(versions) > 1:
            latest = versions[0].number
            diff = queries.diff(session, article_id=article_id, old=latest - 1, new=latest).diff
        return {"article": article, "versions": versions, "diff": diff, "old": old, "new": new}

    context = context_of(request).database.run(load, write=False)
    return render(request, "kb/history.html", context)


@router.post("/{article_id}/restore")
def restore(request: Request, principal: UiViewer, article_id: Id, form: FormBody) -> Response:
    principal.require(Role.RESPONDER)
    actor, now = Actor(principal.user_id, principal.login), context_of(request).clock.now()
    raw = form.get("number")
    number = int(raw) if isinstance(raw, str) and raw.isdigit() and len(raw) < 7 else 0
    context_of(request).database.run(
        lambda s: kb.restore(s, article_id=article_id, number=number, actor=actor, now=now)
    )
    return RedirectResponse(f"/kb/{article_id}", status_code=303)
