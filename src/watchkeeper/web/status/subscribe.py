"""`/status/{slug}/subscribe`: the visitors' form (email or webhook, whole page or
chosen components), the confirmation link, and unsubscribing (a link in every message,
and RFC 8058 one-click `POST` for mail clients).

Pages without JavaScript, like the status page. The form is rate limited per client
address; bad input changes nothing and shows the form again with the reason."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import APIRouter
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from watchkeeper.core.errors import WatchkeeperError
from watchkeeper.response.statuspage import service as pages
from watchkeeper.response.statuspage.models import Component, StatusPage
from watchkeeper.response.subscriptions import service as subscriptions
from watchkeeper.response.subscriptions.render import Links
from watchkeeper.response.subscriptions.schemas import SubscribedOut, SubscribeIn
from watchkeeper.web.context import context_of
from watchkeeper.web.status.caching import STATUS_PAGE_CSP
from watchkeeper.web.status.public import load, page_url
from watchkeeper.web.ui.templating import templates

router = APIRouter(prefix="/status/{slug}", include_in_schema=False)


def _html(name: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    body = templates.get_template(f"status/{name}").render(**values)
    return HTMLResponse(
        body,
        status_code=status_code,
        headers={"Content-Security-Policy": STATUS_PAGE_CSP, "Cache-Control": "no-store"},
    )


def _form(
    request: Request,
    page: StatusPage,
    components: Sequence[Component],
    *,
    error: str = "",
    status_code: int = 200,
    draft: dict[str, Any] | None = None,
) -> HTMLResponse:
    return _html(
        "subscribe.html",
        status_code,
        page=page,
        components=components,
        url=page_url(request, page),
        error=error,
        draft=draft or {},
    )


def _page_and_components(session: Session, page: StatusPage) -> tuple[StatusPage, list[Component]]:
    rows = list(pages.list_components(session, page_id=page.id))
    session.expunge_all()
    return page, rows


@router.get("/subscribe")
def subscribe_form(request: Request, slug: str) -> Response:
    page, components = load(request, slug, _page_and_components)
    return _form(request, page, components)


@router.post("/subscribe")
async def subscribe(request: Request, slug: str) -> Response:
    ctx = context_of(request)
    page, components = load(request, slug, _page_and_components)
    form = await request.form()
    draft = {
        "email": str(form.get("email") or "").strip(),
        "webhook_url": str(form.get("webhook_url") or "").strip(),
        "component_ids": [str(value) for value in form.getlist("component")],
    }
    address = request.client.host if request.client else "unknown"
    if not ctx.subscribe_throttle.admit(address):
        return _form(
            request, page, components, error="Too many tries; wait a minute.", status_code=429
        )
    try:
        data = SubscribeIn(
            email=draft["email"] or None,
            webhook_url=draft["webhook_url"] or None,
            component_ids=draft["component_ids"],
        )
    except ValidationError as exc:
        reason = "; ".join(str(error["msg"]) for error in exc.errors())
        return _form(request, page, components, error=reason, status_code=422, draft=draft)
    links = Links(ctx.settings.resolved_base_url)
    now = ctx.clock.now()

    def work(session: Session) -> SubscribedOut:
        found = pages.get_page(session, page_id=page.id)
        return subscriptions.subscribe(session, page=found, data=data, links=links, now=now)

    try:
        outcome: SubscribedOut = ctx.database.run(work)
    except WatchkeeperError as exc:
        return _form(request, page, components, error=exc.detail, status_code=422, draft=draft)
    return _html("subscribed.html", page=page, url=page_url(request, page), outcome=outcome)


@router.get("/subscribe/confirm")
def confirm(request: Request, slug: str, token: str = "") -> Response:
    ctx = context_of(request)
    page = load(request, slug, lambda s, p: _detach(s, p))
    now = ctx.clock.now()
    try:
        ctx.database.run(lambda s: subscriptions.confirm(s, page_id=page.id, token=token, now=now))
    except WatchkeeperError as exc:
        return _message(request, page, "Link not valid", exc.detail, 404)
    return _message(
        request, page, "Subscribed", f"You will hear about incidents on {page.title}.", 200
    )


@router.get("/unsubscribe")
def unsubscribe_form(request: Request, slug: str, token: str = "") -> Response:
    """A button, not the deed: mail scanners follow links in messages."""
    ctx = context_of(request)
    page = load(request, slug, lambda s, p: _detach(s, p))
    try:
        ctx.database.run(
            lambda s: subscriptions.by_token(s, page_id=page.id, token=token), write=False
        )
    except WatchkeeperError as exc:
        return _message(request, page, "Link not valid", exc.detail, 404)
    return _html("unsubscribe.html", page=page, url=page_url(request, page), token=token)


@router.post("/unsubscribe")
async def unsubscribe(request: Request, slug: str, token: str = "") -> Response:
    """From the button, or a mail client's one-click `List-Unsubscribe-Post`."""
    ctx = context_of(request)
    page = load(request, slug, lambda s, p: _detach(s, p))
    form = await request.form()
    token = token or str(form.get("token") or "")
    try:
        ctx.database.run(lambda s: subscriptions.unsubscribe(s, page_id=page.id, token=token))
    except WatchkeeperError as exc:
        return _message(request, page, "Link not valid", exc.detail, 404)
    return _message(
        request, page, "Unsubscribed", f"You will hear nothing more from {page.title}.", 200
    )


def _detach(session: Session, page: StatusPage) -> StatusPage:
    session.expunge(page)
    return page


def _message(
    request: Request, page: StatusPage, title: str, text: str, status_code: int
) -> HTMLResponse:
    return _html(
        "message.html",
        status_code,
        page=page,
        url=page_url(request, page),
        title=title,
        text=text,
    )
