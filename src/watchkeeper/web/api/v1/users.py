"""`/api/v1/users`: list and read for everyone, create and change for admins."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from watchkeeper.catalog.access.passwords import one_time_password
from watchkeeper.catalog.users import service as users
from watchkeeper.catalog.users.models import User
from watchkeeper.catalog.users.roles import Role
from watchkeeper.catalog.users.schemas import Password, UserCreate, UserCreated, UserOut, UserUpdate
from watchkeeper.core.ids import Id
from watchkeeper.core.pagination import Page, PageRequest, Sort
from watchkeeper.web.deps import NO_STORE, ApiAdmin, ApiViewer, DbSession, Now, page_request

router = APIRouter(prefix="/users", tags=["users"])

UserPage = Annotated[PageRequest, Depends(page_request(list(users.SORTABLE), Sort("id")))]


class PasswordSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: Password | None = None
    must_change: bool = True
    revoke_tokens: bool = Field(
        default=False,
        description="Also revoke every API token of the user (after a compromise). "
        "Their web sessions end in any case.",
    )


class PasswordSetOut(BaseModel):
    one_time_password: str | None


def user_out(session: Session, user: User) -> UserOut:
    teams = users.team_ids_of(session, user_ids=[user.id])
    return UserOut.model_validate(user).model_copy(update={"team_ids": teams.get(user.id, [])})


@router.get("", summary="List users")
def list_users(
    _: ApiViewer,
    session: DbSession,
    page: UserPage,
    role: Role | None = None,
    is_active: bool | None = None,
    team_id: Id | None = None,
    q: Annotated[
        str | None, Query(max_length=200, description="Login, name or email contains")
    ] = None,
) -> Page[UserOut]:
    rows, next_cursor = users.list_(
        session, page=page, role=role, is_active=is_active, team_id=team_id, q=q
    )
    teams = users.team_ids_of(session, user_ids=[row.id for row in rows])
    items = [
        UserOut.model_validate(row).model_copy(update={"team_ids": teams.get(row.id, [])})
        for row in rows
    ]
    return Page[UserOut](items=items, next_cursor=next_cursor, limit=page.limit)


@router.post("", status_code=201, summary="Create a user", dependencies=[NO_STORE])
def create_user(
    _: ApiAdmin, session: DbSession, now: Now, body: UserCreate, response: Response
) -> UserCreated:
    user, password = users.create(session, data=body, now=now)
    response.headers["Location"] = f"/api/v1/users/{user.id}"
    out = user_out(session, user)
    return UserCreated(**out.model_dump(), initial_password=password)


@router.get("/{user_id}", summary="Get a user")
def get_user(_: ApiViewer, session: DbSession, user_id: Id) -> UserOut:
    return user_out(session, users.get(session, user_id=user_id))


@router.patch("/{user_id}", summary="Change a user")
def update_user(
    _: ApiAdmin, session: DbSession, now: Now, user_id: Id, body: UserUpdate
) -> UserOut:
    user = users.update(session, user_id=user_id, data=body, now=now)
    return user_out(session, user)


@router.post(
    "/{user_id}/password",
    summary="Set or reset a user's password",
    dependencies=[NO_STORE],
)
def set_password(
    _: ApiAdmin, session: DbSession, now: Now, user_id: Id, body: PasswordSet
) -> PasswordSetOut:
    """Without a password, a one-time password is generated and returned once. The
    user's web sessions end; their API tokens too with `revoke_tokens`."""
    password = body.password or one_time_password()
    must_change = body.must_change or body.password is None
    users.set_password(
        session,
        user_id=user_id,
        password=password,
        now=now,
        must_change=must_change,
        revoke_tokens=body.revoke_tokens,
    )
    return PasswordSetOut(one_time_password=None if body.password else password)
