"""`/api/v1/me`: the caller's own account."""

from __future__ import annotations

from fastapi import APIRouter

from watchkeeper.catalog.users import service as users
from watchkeeper.catalog.users.roles import Role
from watchkeeper.catalog.users.schemas import (
    DisplayName,
    Email,
    PasswordChange,
    TimeZone,
    UserOut,
    UserUpdate,
)
from watchkeeper.core.patch import Patch
from watchkeeper.web.api.v1.users import user_out
from watchkeeper.web.deps import ApiSelfWriter, ApiViewer, DbSession, Now

router = APIRouter(prefix="/me", tags=["me"])


class MeOut(UserOut):
    effective_role: Role
    authenticated_via: str


class ProfileUpdate(Patch):
    """What anyone may change about themselves (role and status are for admins)."""

    nullable = frozenset({"email"})

    name: DisplayName | None = None
    email: Email = None
    time_zone: TimeZone | None = None


@router.get("", summary="Who am I")
def get_me(principal: ApiViewer, session: DbSession) -> MeOut:
    user = users.get(session, user_id=principal.user_id)
    base = user_out(session, user)
    return MeOut(
        **base.model_dump(),
        effective_role=principal.role,
        authenticated_via=principal.via,
    )


@router.patch("", summary="Update my profile")
def update_me(
    principal: ApiSelfWriter, session: DbSession, now: Now, body: ProfileUpdate
) -> UserOut:
    data = UserUpdate.model_validate(body.model_dump(exclude_unset=True))
    user = users.update(session, user_id=principal.user_id, data=data, now=now)
    return user_out(session, user)


@router.post("/password", status_code=204, summary="Change my password")
def change_password(
    principal: ApiSelfWriter, session: DbSession, now: Now, body: PasswordChange
) -> None:
    users.change_password(
        session,
        user_id=principal.user_id,
        current=body.current_password,
        new=body.new_password,
        now=now,
        keep_session_id=principal.session_id,
        revoke_tokens=body.revoke_tokens,
    )
