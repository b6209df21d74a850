"""Request dependencies: the unit of work, the clock, who is asking, CSRF, paging."""

import hmac
import json
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Query
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request

from watchkeeper.catalog.access import errors as access_errors
from watchkeeper.catalog.access import service as access
from watchkeeper.catalog.access.principal import Principal
from watchkeeper.catalog.users.roles import Role
from watchkeeper.core.errors import FieldError, Invalid
from watchkeeper.core.pagination import DEFAULT_LIMIT, MAX_LIMIT, PageRequest, Sort, parse_sort
from watchkeeper.core.text import problem_in, problems_in
from watchkeeper.web import audit
from watchkeeper.web.context import context_of
from watchkeeper.web.middleware import route_template

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
_UNRESOLVED = object()


class Redirect(Exception):
    """Raised by a dependency to send the browser elsewhere (303)."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


def _db_session(request: Request) -> Iterator[Session]:
    """One transaction per request, committed before the response is sent."""
    write = request.method not in SAFE_METHODS
    with context_of(request).database.transaction(write=write) as session:
        yield session


# scope="function": the commit happens before the response leaves, so a 2xx means committed.
DbSession = Annotated[Session, Depends(_db_session, scope="function")]


def _now(request: Request) -> datetime:
    return context_of(request).clock.now()


Now = Annotated[datetime, Depends(_now)]


def resolve_principal(request: Request) -> Principal | None:
    """Who sent this request (bearer token first, then session cookie); cached per request.

    Runs in its own short transactions, before the request's unit of work takes any lock.
    """
    cached = getattr(request.state, "principal_cache", _UNRESOLVED)
    if cached is not _UNRESOLVED:
        assert cached is None or isinstance(cached, Principal)
        return cached
    ctx = context_of(request)
    now = ctx.clock.now()
    found: tuple[Principal, bool] | None = None
    authorization = request.headers.get("authorization")
    if authorization:
        scheme, _, secret = authorization.partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise access_errors.not_logged_in()
        found = ctx.database.run(
            lambda s: access.resolve_token(s, secret=secret.strip(), now=now), write=False
        )
        if found is None:
            raise access_errors.bad_token()
    elif cookie := request.cookies.get(ctx.session_cookie):
        found = ctx.database.run(
            lambda s: access.resolve_session(s, secret=cookie, now=now), write=False
        )
    principal = found[0] if found else None
    if found and found[1]:
        _touch(request, found[0], now)
    request.state.principal_cache = principal
    if principal is not None:
        audit.identify(principal, route=route_template(request.scope), now=now)
        request.state.principal = principal
        request.state.time_zone = principal.time_zone
        request.state.csrf_token = principal.csrf_token or ""
    return principal


def _touch(request: Request, principal: Principal, now: datetime) -> None:
    ctx = context_of(request)
    if principal.token_id is not None:
        token_id = principal.token_id
        ctx.database.run(lambda s: access.touch_token(s, token_id=token_id, now=now))
    elif principal.session_id is not None:
        session_id = principal.session_id
        ctx.database.run(
            lambda s: access.touch_session(
                s, session_id=session_id, now=now, policy=ctx.session_policy
            )
        )


_ALLOWED_API_BEFORE_PASSWORD_CHANGE = ("/api/v1/me", "/api/v1/me/password")


def api_principal(request: Request) -> Principal:
    """The API caller; a browser session must also send its CSRF token on writes."""
    principal = resolve_principal(request)
    if principal is None:
        raise access_errors.not_logged_in()
    forced = principal.must_change_password and principal.via == "session"
    if forced and request.url.path not in _ALLOWED_API_BEFORE_PASSWORD_CHANGE:
        raise access_errors.password_change_required()
    if principal.via == "session" and request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not (principal.csrf_token and hmac.compare_digest(sent, principal.csrf_token)):
            raise access_errors.csrf_failed()
    return principal


def require_api(role: Role) -> Callable[[Principal], Principal]:
    def dependency(principal: Annotated[Principal, Depends(api_principal)]) -> Principal:
        principal.require(role)
        return principal

    return dependency


def _self_writer(principal: Annotated[Principal, Depends(api_principal)]) -> Principal:
    """Changing one's own account: a browser session, or a token that may write."""
    if principal.via == "token":
        principal.require(Role.RESPONDER)
    return principal


ApiViewer = Annotated[Principal, Depends(api_principal)]
ApiSelfWriter = Annotated[Principal, Depends(_self_writer)]
ApiResponder = Annotated[Principal, Depends(require_api(Role.RESPONDER))]
ApiAdmin = Annotated[Principal, Depends(require_api(Role.ADMIN))]

PASSWORD_PAGE = "/account/password"
_ALLOWED_BEFORE_PASSWORD_CHANGE = (PASSWORD_PAGE, "/logout")


def ui_principal(request: Request) -> Principal:
    """The logged-in viewer of a page; anonymous visitors go to the login page."""
    principal = resolve_principal(request)
    if principal is None:
        raise access_errors.not_logged_in()
    if principal.must_change_password and request.url.path not in _ALLOWED_BEFORE_PASSWORD_CHANGE:
        raise Redirect(PASSWORD_PAGE)
    return principal


def require_ui(role: Role) -> Callable[[Principal], Principal]:
    def dependency(principal: Annotated[Principal, Depends(ui_principal)]) -> Principal:
        principal.require(role)
        return principal

    return dependency


UiViewer = Annotated[Principal, Depends(ui_principal)]
UiResponder = Annotated[Principal, Depends(require_ui(Role.RESPONDER))]
UiAdmin = Annotated[Principal, Depends(require_ui(Role.ADMIN))]


async def verify_csrf(request: Request) -> None:
    """Refuse a state-changing form unless it carries this session's CSRF token.

    Before login there is no session, so the login form uses a double-submit cookie.
    """
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    principal = await run_in_threadpool(resolve_principal, request)
    if principal is not None:
        expected = principal.csrf_token
    else:
        expected = request.cookies.get(context_of(request).login_csrf_cookie)
    if not sent or not expected or not hmac.compare_digest(sent, expected):
        raise access_errors.csrf_failed()


def mark_no_store(request: Request) -> None:
    """Mark the response as one that carries a secret (a token, key or password shown
    once, an account page): no cache may keep it. The middleware sets the header, so it
    holds whatever the route returns, a model or a rendered page."""
    request.state.no_store = True


# `dependencies=[NO_STORE]` on a route or router.
NO_STORE = Depends(mark_no_store)


async def refuse_control_text(request: Request) -> None:
    """422 for NUL, lone surrogates or control characters in a query or JSON body (core.text),
    the rule ingest applies to payloads, so every stored string can be stored and shown."""
    found = [
        FieldError(f"query.{key}", message)
        for key, value in request.query_params.multi_items()
        if (message := problem_in(key + value)) is not None
    ]
    if request.method not in SAFE_METHODS and "json" in request.headers.get("content-type", ""):
        try:
            data = json.loads(await request.body())
        except (ValueError, RecursionError):
            data = None  # FastAPI answers malformed JSON itself
        found += [FieldError(where, message) for where, message in problems_in(data, "body")]
    if found:
        summary = "; ".join(f"{error.location}: {error.message}" for error in found[:3])
        raise Invalid(f"invalid input: {summary}", errors=found)


async def _read_form(request: Request) -> FormData:
    form = await request.form()
    request.state.form = form  # a refused post's page shows it again (ui.refill)
    return form


# Lets sync handlers (run in the thread pool) take the parsed form.
FormBody = Annotated[FormData, Depends(_read_form)]


def page_request(allowed: Sequence[str], default: Sort) -> Callable[..., PageRequest]:
    """A dependency reading `limit`, `cursor` and `sort` by the API conventions."""
    sort_help = "Sort field, `-` prefix for descending: " + ", ".join(allowed)

    def dependency(
        limit: Annotated[
            int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")
        ] = DEFAULT_LIMIT,
        cursor: Annotated[
            str | None, Query(description="`next_cursor` of the previous page.")
        ] = None,
        sort: Annotated[str | None, Query(description=sort_help)] = None,
    ) -> PageRequest:
        return PageRequest(
            limit=limit, cursor=cursor, sort=parse_sort(sort, allowed=allowed, default=default)
        )

    return dependency
