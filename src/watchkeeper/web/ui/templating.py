"""The Jinja2 environment of the UI and the helpers templates use."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from watchkeeper import __version__

UI_DIR = Path(__file__).parent
STATIC_DIR = UI_DIR / "static"

templates = Jinja2Templates(directory=UI_DIR / "templates")


def local_time(value: datetime | None, zone: str = "UTC") -> str:
    """Show a stored UTC time in the viewer's zone, e.g. `2026-03-29 02:30 CEST`."""
    if value is None:
        return "—"
    return value.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %Z")


templates.env.filters["local_time"] = local_time
templates.env.globals["version"] = __version__


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> Response:
    """Render a page with what every page needs: the viewer, their zone, the CSRF token."""
    principal = getattr(request.state, "principal", None)
    base = {
        "principal": principal,
        "zone": getattr(request.state, "time_zone", "UTC"),
        "csrf_token": getattr(request.state, "csrf_token", ""),
    }
    return templates.TemplateResponse(
        request, name, {**base, **(context or {})}, status_code=status_code
    )
