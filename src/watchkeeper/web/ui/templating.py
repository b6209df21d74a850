"""The Jinja2 environment of the UI and the helpers templates use."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote
from zoneinfo import ZoneInfo

from markdown_it import MarkdownIt
from markupsafe import Markup
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.templating import Jinja2Templates

from watchkeeper import __version__
from watchkeeper.core.urls import is_safe_link
from watchkeeper.web.ui.refill import refill

UI_DIR = Path(__file__).parent
STATIC_DIR = UI_DIR / "static"

templates = Jinja2Templates(directory=UI_DIR / "templates")


def local_time(value: datetime | None, zone: str = "UTC") -> str:
    """Show a stored UTC time in the viewer's zone, e.g. `2026-03-29 02:30 CEST`."""
    if value is None:
        return "—"
    return value.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %Z")


# CommonMark without raw HTML: what people type is shown, never executed. markdown-it
# also refuses javascript: and similar link targets.
_markdown = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable("table")


def markdown(text: str | None) -> Markup:
    return Markup(_markdown.render(text or ""))


# Documents people write at length and share (postmortems): links only to http, https and
# mailto, and no images (an image loads from wherever its author points it, on every view).
_SHARED_SCHEMES = ("http://", "https://", "mailto:")
_documents = MarkdownIt("commonmark", {"html": False, "breaks": False}).enable("table")
_documents.disable("image")
_documents.validateLink = lambda url: url.strip().lower().startswith(_SHARED_SCHEMES)  # type: ignore[method-assign]


def document(text: str | None) -> Markup:
    """Markdown of a shared document, rendered with the stricter link rule."""
    return Markup(_documents.render(text or ""))


def duration(delta: timedelta | float | None) -> str:
    """`4 min`, `2 h 5 min`, `3 d 4 h`: short and readable, the one format of every page (a
    number is seconds; app.js counts clocks down in the same words)."""
    if delta is None:
        return "—"
    total = delta.total_seconds() if isinstance(delta, timedelta) else delta
    seconds = abs(int(total))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min" if minutes else f"{seconds} s"


templates.env.filters["local_time"] = local_time
templates.env.filters["markdown"] = markdown
templates.env.filters["document"] = document
templates.env.filters["duration"] = duration
# Links from alerts are checked at ingest; rows stored before that are checked here.
templates.env.tests["safe_link"] = is_safe_link
templates.env.globals["version"] = __version__


# Post/redirect/get: a successful save redirects with a one-line message in a short-lived
# cookie; the next page rendered shows it once and clears it (a reload shows nothing twice).
FLASH_COOKIE = "watchkeeper_flash"
FLASH_LIMIT = 200


def saved(url: str, message: str) -> RedirectResponse:
    """303 to `url`, where the page then says `message` (e.g. "Team SRE created")."""
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        FLASH_COOKIE, quote(message[:FLASH_LIMIT]), max_age=60, httponly=True, samesite="lax"
    )
    return response


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> Response:
    """Render a page with what every page needs: the viewer, their zone, the CSRF token."""
    principal = getattr(request.state, "principal", None)
    flash = request.cookies.get(FLASH_COOKIE)
    base = {
        "flash": unquote(flash)[:FLASH_LIMIT] if flash else None,
        "principal": principal,
        "zone": getattr(request.state, "time_zone", "UTC"),
        "csrf_token": getattr(request.state, "csrf_token", ""),
    }
    response = templates.TemplateResponse(
        request, name, {**base, **(context or {})}, status_code=status_code
    )
    if flash:
        response.delete_cookie(FLASH_COOKIE, path="/")
    form = getattr(request.state, "form", None)
    if request.method == "POST" and status_code >= 400 and form is not None:
        _give_back(request, response, form)
    return response


def _give_back(request: Request, response: Response, form: FormData) -> None:
    """A refused post's page shows the form as typed, errors beside their fields."""
    values = {key: [v for v in form.getlist(key) if isinstance(v, str)] for key in form}
    body = refill(
        bytes(response.body).decode(),
        action=request.url.path,
        values=values,
        problems=getattr(request.state, "form_problems", {}),
    )
    response.body = body.encode()
    response.headers["content-length"] = str(len(response.body))
