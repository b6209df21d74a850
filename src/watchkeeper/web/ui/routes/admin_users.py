"""Admin pages: list, create and change users; reset passwords."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from watchkeeper.catalog.access.passwords import one_time_password
from watchkeeper.catalog.teams.models import Team
from watchkeeper.catalog.users import service as users
from watchkeeper.catalog.users.roles import Role
from watchkeeper.catalog.users.schemas import DisplayName, Email, TimeZone, UserCreate, UserUpdate
from watchkeeper.core.ids import Id
from watchkeeper.core.pagination import PageRequest, Sort
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import NO_STORE, FormBody, UiAdmin
from watchkeeper.web.ui.routes.forms import called, submit
from watchkeeper.web.ui.templating import render, saved

# Creating a user and resetting a password show a one-time password.
router = APIRouter(prefix="/admin/users", dependencies=[NO_STORE])
PAGE_SIZE = 50


class UserEditForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: DisplayName
    email: Email = None
    role: Role
    time_zone: TimeZone = "UTC"
    is_active: bool = False  # an unticked checkbox sends nothing


def _list_page(request: Request, *, q: str | None, cursor: str | None, **extra: Any) -> Response:
    def load(session: Session) -> dict[str, Any]:
        page = PageRequest(limit=PAGE_SIZE, cursor=cursor, sort=Sort("login"))
        rows, next_cursor = users.list_(session, page=page, q=q)
        teams = session.scalars(select(Team).order_by(Team.name)).all()
        return {"users": rows, "next_cursor": next_cursor, "teams": teams}

    context = context_of(request).database.run(load, write=False)
    context.update(q=q or "", roles=list(Role))
    return render(
        request,
        "admin/users.html",
        {**context, **extra},
        status_code=422 if extra.get("errors") else 200,
    )


@router.get("")
def list_users(
    request: Request,
    _: UiAdmin,
    q: Annotated[str | None, Query(max_length=200)] = None,
    cursor: str | None = None,
) -> Response:
    return _list_page(request, q=q, cursor=cursor)


@router.post("")
def create_user(request: Request, _: UiAdmin, form: FormBody) -> Response:
    now = context_of(request).clock.now()

    def action(session: Session, data: UserCreate) -> tuple[str, str | None]:
        user, password = users.create(session, data=data, now=now)
        return user.login, password

    outcome = submit(request, UserCreate, form, action, lists=("team_ids",))
    if not outcome.ok or outcome.value is None:
        return _list_page(request, q=None, cursor=None, errors=outcome.errors)
    login, password = outcome.value
    return _list_page(request, q=None, cursor=None, created=login, one_time_password=password)


def _user_page(request: Request, user_id: int, **extra: Any) -> Response:
    def load(session: Session) -> dict[str, Any]:
        user = users.get(session, user_id=user_id)
        team_ids = users.team_ids_of(session, user_ids=[user_id]).get(user_id, [])
        teams = session.scalars(select(Team).where(Team.id.in_(team_ids)).order_by(Team.name)).all()
        return {"user": user, "teams": teams}

    context = context_of(request).database.run(load, write=False)
    context["roles"] = list(Role)
    status = 422 if extra.get("errors") else 200
    return render(request, "admin/user.html", {**context, **extra}, status_code=status)


@router.get("/{user_id}")
def show_user(request: Request, _: UiAdmin, user_id: Id) -> Response:
    return _user_page(request, user_id)


@router.post("/{user_id}")
def update_user(request: Request, _: UiAdmin, user_id: Id, form: FormBody) -> Response:
    now = context_of(request).clock.now()

    def action(session: Session, data: UserEditForm) -> None:
        patch = UserUpdate.model_validate(data.model_dump())
        users.update(session, user_id=user_id, data=patch, now=now)

    outcome = submit(request, UserEditForm, form, action)
    if not outcome.ok:
        return _user_page(request, user_id, errors=outcome.errors)
    return saved(f"/admin/users/{user_id}", f"User{called(form)} saved")


class ResetForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    revoke_tokens: bool = False  # an unticked checkbox sends nothing


@router.post("/{user_id}/password")
def reset_password(request: Request, _: UiAdmin, user_id: Id, form: FormBody) -> Response:
    now = context_of(request).clock.now()
    password = one_time_password()

    def action(session: Session, data: ResetForm) -> None:
        users.set_password(
            session,
            user_id=user_id,
            password=password,
            now=now,
            must_change=True,
            revoke_tokens=data.revoke_tokens,
        )

    outcome = submit(request, ResetForm, form, action)
    if not outcome.ok:
        return _user_page(request, user_id, errors=outcome.errors)
    return _user_page(request, user_id, one_time_password=password)
