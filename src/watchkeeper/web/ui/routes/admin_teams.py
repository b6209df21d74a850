"""Admin pages: list, create, change and delete teams; manage members."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from watchkeeper.catalog.teams import service as teams
from watchkeeper.catalog.teams.models import Team
from watchkeeper.catalog.teams.schemas import Description, Slug, TeamCreate, TeamName, TeamUpdate
from watchkeeper.catalog.users import service as users
from watchkeeper.catalog.users.models import User
from watchkeeper.catalog.users.schemas import Login
from watchkeeper.core.ids import Id
from watchkeeper.pipeline.escalation import queries as escalation_queries
from watchkeeper.pipeline.escalation import service as escalation
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import FormBody, UiAdmin
from watchkeeper.web.ui.routes.forms import attempt, called, submit, text_of
from watchkeeper.web.ui.templating import render, saved

router = APIRouter(prefix="/admin/teams")


class TeamEditForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: TeamName
    slug: Slug
    description: Description = ""


class MemberForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    login: Login


def _list_page(request: Request, **extra: Any) -> Response:
    def load(session: Session) -> dict[str, Any]:
        rows = session.scalars(select(Team).order_by(Team.name)).all()
        members = teams.member_ids_of(session, team_ids=[team.id for team in rows])
        return {"teams": rows, "member_counts": {k: len(v) for k, v in members.items()}}

    context = context_of(request).database.run(load, write=False)
    status = 422 if extra.get("errors") else 200
    return render(request, "admin/teams.html", {**context, **extra}, status_code=status)


@router.get("")
def list_teams(request: Request, _: UiAdmin) -> Response:
    return _list_page(request)


@router.post("")
def create_team(request: Request, _: UiAdmin, form: FormBody) -> Response:
    now = context_of(request).clock.now()
    outcome = submit(
        request, TeamCreate, form, lambda s, data: teams.create(s, data=data, now=now).id
    )
    if not outcome.ok:
        return _list_page(request, errors=outcome.errors)
    return saved(f"/admin/teams/{outcome.value}", f"Team{called(form)} created")


def _team_page(request: Request, team_id: int, **extra: Any) -> Response:
    def load(session: Session) -> dict[str, Any]:
        team = teams.get(session, team_id=team_id)
        member_ids = teams.member_ids_of(session, team_ids=[team_id]).get(team_id, [])
        members = session.scalars(
            select(User).where(User.id.in_(member_ids)).order_by(User.login)
        ).all()
        used_by = escalation_queries.users_of_team(session, team_id=team_id)
        return {"team": team, "members": members, "used_by": used_by}

    context = context_of(request).database.run(load, write=False)
    status = extra.pop("status", 422) if extra.get("errors") else 200
    return render(request, "admin/team.html", {**context, **extra}, status_code=status)


@router.get("/{team_id}")
def show_team(request: Request, _: UiAdmin, team_id: Id) -> Response:
    return _team_page(request, team_id)


@router.post("/{team_id}")
def update_team(request: Request, _: UiAdmin, team_id: Id, form: FormBody) -> Response:
    now = context_of(request).clock.now()

    def action(session: Session, data: TeamEditForm) -> None:
        patch = TeamUpdate.model_validate(data.model_dump())
        teams.update(session, team_id=team_id, data=patch, now=now)

    outcome = submit(request, TeamEditForm, form, action)
    if not outcome.ok:
        return _team_page(request, team_id, errors=outcome.errors)
    return saved(f"/admin/teams/{team_id}", f"Team{called(form)} saved")


@router.post("/{team_id}/members")
def add_member(request: Request, _: UiAdmin, team_id: Id, form: FormBody) -> Response:
    now = context_of(request).clock.now()

    def action(session: Session, data: MemberForm) -> None:
        user = users.get_by_login(session, login=data.login)
        teams.add_member(session, team_id=team_id, user_id=user.id, now=now)

    outcome = submit(request, MemberForm, form, action)
    if not outcome.ok:
        return _team_page(request, team_id, errors=outcome.errors)
    return saved(
        f"/admin/teams/{team_id}", f"{text_of(form, 'login') or 'Member'} added to the team"
    )


@router.post("/{team_id}/members/{user_id}/remove")
def remove_member(request: Request, _: UiAdmin, team_id: Id, user_id: Id) -> Response:
    outcome = attempt(request, lambda s: teams.remove_member(s, team_id=team_id, user_id=user_id))
    if not outcome.ok:
        return _team_page(request, team_id, errors=outcome.errors)
    return saved(f"/admin/teams/{team_id}", "Member removed from the team")


@router.post("/{team_id}/delete")
def delete_team(request: Request, _: UiAdmin, team_id: Id) -> Response:
    outcome = attempt(request, lambda s: escalation.delete_team(s, team_id=team_id))
    if not outcome.ok:
        return _team_page(request, team_id, errors=outcome.errors, status=outcome.status)
    return saved("/admin/teams", "Team deleted")
