"""Operational routes: liveness, readiness, Prometheus metrics, API docs, problem types."""

from __future__ import annotations

import time
from html import escape
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from watchkeeper.core.errors import NotFound
from watchkeeper.db.engine_state import latest_heartbeat
from watchkeeper.web.context import context_of
from watchkeeper.web.problems import PROBLEM_TYPES
from watchkeeper.web.ui.assets import assets_warning

router = APIRouter(include_in_schema=False)


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up and answering; says nothing about its dependencies."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request) -> Response:
    """Ready when the database answers and some engine has ticked recently."""
    ctx = context_of(request)
    checks: dict[str, str] = {}
    try:
        beat = ctx.database.run(latest_heartbeat, write=False)
        checks["database"] = "ok"
    except Exception as exc:
        beat = None
        checks["database"] = f"unreachable: {type(exc).__name__}"
    if checks["database"] == "ok":
        now = ctx.clock.now()
        if beat is None:
            checks["engine"] = "no engine has reported yet"
        elif now - beat > ctx.engine_stale_after:
            checks["engine"] = f"last heartbeat {int((now - beat).total_seconds())} s ago"
        else:
            checks["engine"] = "ok"
    ready = all(value == "ok" for value in checks.values())
    body: dict[str, object] = {"status": "ready" if ready else "not ready", "checks": checks}
    if warning := assets_warning():
        body["warnings"] = [warning]  # serving still works: a warning, not a failed check
    return JSONResponse(body, status_code=200 if ready else 503)


ENGINE_METRICS_FRESH = 30.0  # seconds; older is an engine that stopped


@router.get("/metrics")
def metrics(request: Request) -> Response:
    """This process's metrics, and those the engine on this host last wrote (it runs in
    another process; its own names never collide with the web server's)."""
    ctx = context_of(request)
    payload = generate_latest(ctx.registry)
    engine_file = ctx.settings.engine_metrics_path
    try:
        if time.time() - engine_file.stat().st_mtime < ENGINE_METRICS_FRESH:
            payload += engine_file.read_bytes()
    except OSError:
        pass  # no engine on this host
    return Response(payload, media_type=CONTENT_TYPE_LATEST)


BACK_LINK = (
    '<p style="font-family: sans-serif; margin: 0.75rem 1.25rem;">'
    '<a href="/">&larr; Back to Watchkeeper</a> &middot; use <strong>Authorize</strong> with '
    "an API token from your account page</p>"
)
BEARER = {
    "type": "http",
    "scheme": "bearer",
    "description": "An API token: create one on your account page or with "
    "`watchkeeper token create`.",
}


@router.get("/docs")
def swagger_ui() -> HTMLResponse:
    """Swagger UI from our own static files, so the docs work offline; with a way back."""
    page = get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="Watchkeeper API",
        swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
        swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
        swagger_favicon_url="/static/favicon.svg",
        swagger_ui_parameters={"persistAuthorization": True},
    )
    html = bytes(page.body).decode().replace("<body>", "<body>" + BACK_LINK, 1)
    return HTMLResponse(html)


def declare_bearer_auth(app: FastAPI) -> None:
    """Say in the OpenAPI that /api/v1 takes a bearer token: Swagger UI then shows its
    Authorize button and sends the token with every call it tries."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build()
        schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
        schemes["bearer"] = BEARER
        for path, item in schema.get("paths", {}).items():
            if path.startswith("/api/v1/"):
                for operation in item.values():
                    if isinstance(operation, dict):
                        operation.setdefault("security", [{"bearer": []}])
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


@router.get("/problems/{slug}")
def problem_type(slug: str) -> HTMLResponse:
    """Human-readable explanation of a problem `type` URI."""
    text = PROBLEM_TYPES.get(slug)
    if text is None:
        raise NotFound(f"no problem type {slug!r}")
    html = (
        f"<!doctype html><title>{escape(slug)}</title><h1>{escape(slug)}</h1><p>{escape(text)}</p>"
    )
    return HTMLResponse(html)
