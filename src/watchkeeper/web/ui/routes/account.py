"""The viewer's own account: profile, password, API tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from watchkeeper.catalog.access import service as access
from watchkeeper.catalog.access.principal import Principal
from watchkeeper.catalog.users import service as users
from watchkeeper.catalog.users.roles import Role
from watchkeeper.catalog.users.schemas import DisplayName, Email, Password, TimeZone, UserUpdate
from watchkeeper.core.ids import Id
from watchkeeper.oncall.schedules import feeds
from watchkeeper.oncall.schedules import service as schedules
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import NO_STORE, FormBody, UiViewer
from watchkeeper.web.ui.routes.forms import submit
from watchkeeper.web.ui.templating import render, saved

# Account pages show tokens and feed URLs once, and hold the password forms.
router = APIRouter(prefix="/account", dependencies=[NO_STORE])
MY_SHIFTS = timedelta(days=14)


class ProfileForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: DisplayName
    email: Email = None
    time_zone: TimeZone = "UTC"


class TokenForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    role: Role | None = None
    lifetime: Literal["30", "90", "365", "never"] = "90"


class PasswordForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str
    new_password: Password
    confirm_password: str
    revoke_tokens: bool = False  # an unticked checkbox sends nothing

    @model_validator(mode="after")
    def _same_twice(self) -> PasswordForm:
        if self.new_password != self.confirm_password:
            raise ValueError("the two new passwords differ")
        return self


def _account_page(request: Request, principal: Principal, **extra: Any) -> Response:
    now = context_of(request).clock.now()

    def load(session: Session) -> dict[str, Any]:
        user = users.get(session, user_id=principal.user_id)
        tokens, _ = access.list_tokens(session, user_id=principal.user_id)
        # Resolved a little wider than shown, so that shifts show their real start and end.
        found = schedules.user_shifts(
            session, user_id=principal.user_id, start=now - MY_SHIFTS, end=now + 2 * MY_SHIFTS
        )
        shifts = [pair for pair in found if pair[1].end > now and pair[1].start < now + MY_SHIFTS]
        return {"user": user, "tokens": tokens, "shifts": shifts}

    context = context_of(request).database.run(load, write=False)
    context["roles"] = [role for role in Role if principal.role.allows(role)]
    context["now"] = now
    status = 422 if extra.get("errors") else 200
    return render(request, "account.html", {**context, **extra}, status_code=status)


@router.get("")
def account(request: Request, principal: UiViewer) -> Response:
    return _account_page(request, principal)


@router.post("/profile")
def update_profile(request: Request, principal: UiViewer, form: FormBody) -> Response:
    now = context_of(request).clock.now()

    def action(session: Session, data: ProfileForm) -> None:
        patch = UserUpdate.model_validate(data.model_dump())
        users.update(session, user_id=principal.user_id, data=patch, now=now)

    outcome = submit(request, ProfileForm, form, action)
    if not outcome.ok:
        return _account_page(request, principal, errors=outcome.errors)
    return saved("/account", "Profile saved")


@router.get("/password")
def password_form(request: Request, principal: UiViewer) -> Response:
    return render(request, "password.html", {"forced": principal.must_change_password})


@router.post("/password")
def change_password(request: Request, principal: UiViewer, form: FormBody) -> Response:
    now = context_of(request).clock.now()

    def action(session: Session, data: PasswordForm) -> None:
        users.change_password(
            session,
            user_id=principal.user_id,
            current=data.current_password,
            new=data.new_password,
            now=now,
            keep_session_id=principal.session_id,
            revoke_tokens=data.revoke_tokens,
        )

    outcome = submit(request, PasswordForm, form, action)
    if not outcome.ok:
        context = {"forced": principal.must_change_password, "errors": outcome.errors}
        return render(request, "password.html", context, status_code=422)
    return RedirectResponse("/account?password=changed", status_code=303)


@router.post("/tokens")
def create_token(request: Request, principal: UiViewer, form: FormBody) -> Response:
    now = context_of(request).clock.now()

    def action(session: Session, data: TokenForm) -> tuple[str, str]:
        owner = users.get(session, user_id=principal.user_id)
        token, secret = access.create_token(
            session,
            owner=owner,
            name=data.name,
            role=data.role,
            expires_in_days=None if data.lifetime == "never" else int(data.lifetime),
            now=now,
            ceiling=principal.role,
        )
        return token.name, secret

    outcome = submit(request, TokenForm, form, action)
    if not outcome.ok or outcome.value is None:
        return _account_page(request, principal, errors=outcome.errors)
    name, secret = outcome.value
    return _account_page(request, principal, new_token=secret, new_token_name=name)


@router.post("/tokens/{token_id}/revoke")
def revoke_token(request: Request, principal: UiViewer, token_id: Id) -> Response:
    ctx = context_of(request)
    now = ctx.clock.now()

    def action(session: Session) -> None:
        token = access.get_token(session, token_id=token_id)
        principal.require_self_or(token.user_id, Role.ADMIN)
        access.revoke_token(session, token_id=token_id, now=now)

    ctx.database.run(action)
    return saved("/account", "Token revoked")


@router.post("/ical-token")
def rotate_calendar_feed(request: Request, principal: UiViewer) -> Response:
    """A new URL for the feed of one's own shifts; the previous one stops working."""
    ctx = context_of(request)
    now = ctx.clock.now()
    token = ctx.database.run(
        lambda s: feeds.rotate_user_token(s, user_id=principal.user_id, now=now)
    )
    url = f"{ctx.settings.resolved_base_url}/ical/users/{token}.ics"
    return _account_page(request, principal, feed_url=url)
