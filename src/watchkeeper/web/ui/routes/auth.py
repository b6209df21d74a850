"""Login and logout pages."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from watchkeeper.catalog.access import service as access
from watchkeeper.catalog.users.schemas import normalize_login
from watchkeeper.core.errors import Unauthorized
from watchkeeper.core.secrets import random_urlsafe
from watchkeeper.web.context import WebContext, context_of
from watchkeeper.web.deps import NO_STORE, resolve_principal
from watchkeeper.web.ui.templating import render

router = APIRouter()


def safe_next(target: str | None) -> str:
    """Only same-site paths, so the login form cannot be used as an open redirect."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def login_page(request: Request, *, next_url: str, error: str | None, status: int) -> Response:
    ctx = context_of(request)
    token = request.cookies.get(ctx.login_csrf_cookie) or random_urlsafe(24)
    response = render(
        request,
        "login.html",
        {
            "next": next_url,
            "error": error,
            "csrf_token": token,
            "sso_label": ctx.settings.oidc_button_label if ctx.oidc else None,
        },
        status_code=status,
    )
    response.set_cookie(
        ctx.login_csrf_cookie,
        token,
        httponly=True,
        samesite="lax",
        secure=ctx.settings.resolved_cookie_secure,
        path="/",
    )
    return response


@router.get("/login", dependencies=[NO_STORE])
def login_form(request: Request, next: str | None = None) -> Response:
    if resolve_principal(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return login_page(request, next_url=safe_next(next), error=None, status=200)


@router.post("/login", dependencies=[NO_STORE])
def login(
    request: Request,
    login: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    ctx = context_of(request)
    address = request.client.host if request.client else "unknown"
    name = normalize_login(login)
    reservation = ctx.throttle.reserve(login=name, address=address)
    try:
        credentials = ctx.database.run(
            lambda s: access.find_credentials(s, login=name), write=False
        )
        user_id = access.check_password(credentials, password)
        _, secret = ctx.database.run(
            lambda s: access.open_session(
                s,
                user_id=user_id,
                now=ctx.clock.now(),
                policy=ctx.session_policy,
                ip=address,
                user_agent=request.headers.get("user-agent", ""),
            )
        )
    except Unauthorized as exc:  # the reserved attempt stays counted as a failure
        return login_page(request, next_url=safe_next(next), error=exc.detail, status=401)
    except Exception:
        ctx.throttle.refund(reservation)  # our failure (the database), not a wrong guess
        raise
    ctx.throttle.refund(reservation)
    target = safe_next(next)
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(
        ctx, response, secret, max_age=int(ctx.session_policy.max_age.total_seconds())
    )
    response.delete_cookie(ctx.login_csrf_cookie, path="/")
    return response


@router.post("/logout")
def logout(request: Request) -> Response:
    ctx = context_of(request)
    if cookie := request.cookies.get(ctx.session_cookie):
        ctx.database.run(lambda s: access.logout(s, secret=cookie))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(ctx.session_cookie, path="/", secure=ctx.settings.resolved_cookie_secure)
    return response


def set_session_cookie(ctx: WebContext, response: Response, secret: str, *, max_age: int) -> None:
    response.set_cookie(
        ctx.session_cookie,
        secret,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=ctx.settings.resolved_cookie_secure,
        path="/",
    )
