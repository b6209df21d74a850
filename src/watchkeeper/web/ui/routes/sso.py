"""`/login/oidc`: single sign-on through the OpenID Connect provider in the settings.

Local login stays beside it, so an admin can always get in when the provider is down.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from watchkeeper.catalog.access import service as access
from watchkeeper.catalog.sso import service as sso
from watchkeeper.core.errors import NotFound, Unauthorized
from watchkeeper.web.context import WebContext, context_of
from watchkeeper.web.deps import NO_STORE
from watchkeeper.web.oidc import OidcClient
from watchkeeper.web.ui.routes.auth import login_page, safe_next, set_session_cookie

router = APIRouter(prefix="/login/oidc", dependencies=[NO_STORE])
PENDING_COOKIE = "wk_oidc"
Text = Annotated[str | None, Query(max_length=4096)]


def _client(ctx: WebContext) -> OidcClient:
    if ctx.oidc is None:
        raise NotFound("single sign-on is not configured")
    return ctx.oidc


@router.get("")
def start(request: Request, next: Text = None) -> Response:
    ctx = context_of(request)
    client = _client(ctx)
    try:
        url, cookie = client.start(safe_next(next), now=ctx.clock.now())
    except Unauthorized as exc:
        return login_page(request, next_url=safe_next(next), error=exc.detail, status=502)
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        PENDING_COOKIE,
        cookie,
        max_age=600,
        httponly=True,
        samesite="lax",  # the provider's redirect back is a top-level GET
        secure=ctx.settings.resolved_cookie_secure,
        path="/login/oidc",
    )
    return response


@router.get("/callback")
def callback(
    request: Request,
    code: Text = None,
    state: Text = None,
    error: Text = None,
    error_description: Text = None,
    iss: Text = None,
) -> Response:
    ctx = context_of(request)
    client = _client(ctx)
    now = ctx.clock.now()
    next_url = "/"
    try:
        pending = client.pending(request.cookies.get(PENDING_COOKIE), state, now=now)
        next_url = pending.next
        if error:
            raise Unauthorized(f"the identity provider refused: {error_description or error}")
        if not code:
            raise Unauthorized("the identity provider sent no authorization code")
        if iss is not None and iss != client.metadata().get("issuer"):
            raise Unauthorized("the answer came from another identity provider")
        identity = client.finish(
            code=code, pending=pending, groups_claim=ctx.settings.oidc_groups_claim, now=now
        )
        rules = ctx.sso_rules or sso.SsoRules(group_roles={}, group_teams={})
        address = request.client.host if request.client else "unknown"

        def sign_in(session: Session) -> str:
            user = sso.sign_in(session, identity=identity, rules=rules, now=now)
            _, secret = access.open_session(
                session,
                user_id=user.id,
                now=now,
                policy=ctx.session_policy,
                ip=address,
                user_agent=request.headers.get("user-agent", ""),
            )
            return secret

        secret = ctx.database.run(sign_in)
    except Unauthorized as exc:
        response = login_page(request, next_url=next_url, error=exc.detail, status=401)
        response.delete_cookie(PENDING_COOKIE, path="/login/oidc")
        return response
    response = RedirectResponse(safe_next(next_url), status_code=303)
    set_session_cookie(
        ctx, response, secret, max_age=int(ctx.session_policy.max_age.total_seconds())
    )
    response.delete_cookie(PENDING_COOKIE, path="/login/oidc")
    return response
