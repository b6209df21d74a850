"""Every error leaves through here: RFC 9457 problem+json for the API, a page for the UI."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

import structlog
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from watchkeeper.core.errors import (
    BadRequest,
    FieldError,
    Invalid,
    NotFound,
    Unauthorized,
    Unavailable,
    WatchkeeperError,
)
from watchkeeper.core.validation import problems
from watchkeeper.db.errors import is_transient, is_unavailable
from watchkeeper.web.deps import Redirect
from watchkeeper.web.redaction import redact_path
from watchkeeper.web.ui.templating import templates

log = structlog.get_logger(__name__)

PROBLEM_JSON = "application/problem+json"
JSON_PREFIXES = ("/api/", "/v2/", "/openapi.json", "/healthz", "/readyz")

# Problem types documented at /problems/<slug> and in docs/api.md.
PROBLEM_TYPES: Mapping[str, str] = {
    "bad-request": "The request body could not be read as JSON.",
    "invalid": "The request was read but some values are not acceptable; `errors` lists them.",
    "unauthorized": "No valid credentials: log in, or send `Authorization: Bearer <token>`.",
    "forbidden": "You are known but your role (or the token's scope) does not allow this.",
    "not-found": "The resource or route does not exist (or is not visible to you).",
    "method-not-allowed": "The route exists but not with this HTTP method.",
    "conflict": "The request clashes with the current state: a duplicate name, a disallowed "
    "state change, the last admin.",
    "payload-too-large": "The body is larger than the endpoint accepts.",
    "too-many-requests": "Slow down; `Retry-After` says when to try again.",
    "unavailable": "The server cannot do this right now (usually the database); retry later.",
    "error": "Something failed on the server; the log has the details.",
}
# A path id outside what the database holds (core.ids) names nothing: 404, like an unused id.
_OUT_OF_RANGE = frozenset({"greater_than_equal", "less_than_equal"})
_STATUS_SLUGS = {400: "bad-request", 405: "method-not-allowed", 413: "payload-too-large"}
_STATUS_TITLES = {400: "Malformed request", 405: "Method not allowed", 413: "Payload too large"}


def wants_json(request: Request) -> bool:
    path = request.url.path
    if path.startswith(JSON_PREFIXES):
        return True
    accept = request.headers.get("accept", "")
    return "json" in accept and "html" not in accept


def problem(
    request: Request,
    *,
    status: int,
    slug: str,
    title: str,
    detail: str,
    errors: Sequence[FieldError] = (),
    headers: Mapping[str, str] | None = None,
) -> Response:
    if wants_json(request):
        body: dict[str, Any] = {
            "type": f"/problems/{slug}",
            "title": title,
            "status": status,
            "detail": detail,
            "instance": request.url.path,
        }
        if errors:
            body["errors"] = [_field_error(error) for error in errors]
        return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)
    context = {"status": status, "title": title, "detail": detail, "field_errors": errors}
    return templates.TemplateResponse(
        request, "error.html", context, status_code=status, headers=headers
    )


def _field_error(error: FieldError) -> dict[str, str]:
    item = {"location": error.location, "detail": error.message}
    head, _, rest = error.location.partition(".")
    if head == "body":
        item["pointer"] = "#/" + rest.replace(".", "/") if rest else "#"
    return item


def _from_domain(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, WatchkeeperError)
    if isinstance(exc, Unauthorized) and not wants_json(request):
        return _to_login(request)
    headers: dict[str, str] = {}
    if "retry_after" in exc.extra:
        headers["Retry-After"] = str(exc.extra["retry_after"])
    if isinstance(exc, Unauthorized):
        headers["WWW-Authenticate"] = 'Bearer realm="watchkeeper"'
    return problem(
        request,
        status=exc.status,
        slug=exc.slug,
        title=exc.title,
        detail=exc.detail,
        errors=exc.errors,
        headers=headers,
    )


def _to_login(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    location = "/login?next=" + quote(target, safe="")
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": location})
    return RedirectResponse(location, status_code=303)


def _from_validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    raw = list(exc.errors())
    if any(item.get("type") == "json_invalid" for item in raw):
        reason = next(
            str(item.get("ctx", {}).get("error", ""))
            for item in raw
            if item.get("type") == "json_invalid"
        )
        bad = BadRequest(f"the request body is not valid JSON ({reason})".replace(" ()", ""))
        return _from_domain(request, bad)
    if raw and any(_is_path_out_of_range(item) for item in raw):
        names = ", ".join(f"{item['loc'][1]} {item.get('input')}" for item in raw)
        return _from_domain(request, NotFound(f"nothing has {names}"))
    found = problems(raw)
    errors = [FieldError(item.location, item.phrase) for item in found]
    summary = "; ".join(item.sentence for item in found[:3])
    more = f"; and {len(found) - 3} more" if len(found) > 3 else ""
    return _from_domain(request, Invalid(f"{summary}{more}", errors=errors))


def _is_path_out_of_range(item: Mapping[str, Any]) -> bool:
    location = tuple(item.get("loc", ()))
    return len(location) == 2 and location[0] == "path" and item.get("type") in _OUT_OF_RANGE


def _from_http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 404:
        detail = exc.detail if exc.detail != "Not Found" else f"no route {request.url.path}"
        return _from_domain(request, NotFound(detail))
    slug = _STATUS_SLUGS.get(exc.status_code, "error")
    return problem(
        request,
        status=exc.status_code,
        slug=slug,
        title=_STATUS_TITLES.get(exc.status_code, "Error"),
        detail=f"{request.method} {request.url.path}: {exc.detail}",
        headers=exc.headers,
    )


def _from_unexpected(request: Request, exc: Exception) -> Response:
    if is_transient(exc):
        # SQLite's busy timeout ran out (another writer held the lock), or PostgreSQL gave
        # up on a lock or a serialization: the transaction rolled back, so retrying is safe.
        log.warning("database busy", path=request.url.path, error=str(exc))
        busy = Unavailable("the database is busy; nothing was changed; retry shortly")
        busy.extra["retry_after"] = 1
        return _from_domain(request, busy)
    if is_unavailable(exc):
        log.error("database unavailable", path=redact_path(request.url.path), error=str(exc))
        down = Unavailable("the database is unreachable; retry shortly")
        down.extra["retry_after"] = 5
        return _from_domain(request, down)
    log.exception("unhandled error", path=redact_path(request.url.path), exc_info=exc)
    return problem(
        request,
        status=500,
        slug="error",
        title="Internal error",
        detail="the server failed to handle this request; the error is in its log",
    )


def _redirect(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Redirect)
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": exc.location})
    return RedirectResponse(exc.location, status_code=303)


def to_response(request: Request, exc: Exception) -> Response:
    """The same mapping as the installed handlers, for code that runs outside FastAPI."""
    if isinstance(exc, WatchkeeperError):
        return _from_domain(request, exc)
    if isinstance(exc, StarletteHTTPException):
        return _from_http(request, exc)
    return _from_unexpected(request, exc)


def install(app: FastAPI) -> None:
    """Register the mapping of every error type on `app`, in this one place."""
    app.add_exception_handler(Redirect, _redirect)
    app.add_exception_handler(WatchkeeperError, _from_domain)
    app.add_exception_handler(RequestValidationError, _from_validation)
    app.add_exception_handler(StarletteHTTPException, _from_http)
    # Handled here rather than as a bare Exception so a database outage is a clean 503.
    app.add_exception_handler(OperationalError, _from_unexpected)
    app.add_exception_handler(Exception, _from_unexpected)
