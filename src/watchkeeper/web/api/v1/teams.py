"""`/api/v1/teams`: list and read for everyone, changes for admins."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy.orm import Session

from watchkeeper.catalog.teams import service as teams
from watchkeeper.catalog.teams.models import Team
from watchkeeper.catalog.teams.schemas import MemberAdd, TeamCreate, TeamOut, TeamUpdate
from watchkeeper.core.ids import Id
from watchkeeper.core.pagination import Page, PageRequest, Sort
from watchkeeper.pipeline.escalation import service as escalation
from watchkeeper.web.deps import ApiAdmin, ApiViewer, DbSession, Now, page_request

router = APIRouter(prefix="/teams", tags=["teams"])

TeamPage = Annotated[PageRequest, Depends(page_request(list(teams.SORTABLE), Sort("id")))]


def team_out(session: Session, team: Team) -> TeamOut:
    members = teams.member_ids_of(session, team_ids=[team.id])
    return TeamOut.model_validate(team).model_copy(update={"member_ids": members.get(team.id, [])})


@router.get("", summary="List teams")
def list_teams(
    _: ApiViewer,
    session: DbSession,
    page: TeamPage,
    member_id: Annotated[Id | None, Query(description="Only teams this user belongs to")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Name or slug contains")] = None,
) -> Page[TeamOut]:
    rows, next_cursor = teams.list_(session, page=page, member_id=member_id, q=q)
    members = teams.member_ids_of(session, team_ids=[row.id for row in rows])
    items = [
        TeamOut.model_validate(row).model_copy(update={"member_ids": members.get(row.id, [])})
        for row in rows
    ]
    return Page[TeamOut](items=items, next_cursor=next_cursor, limit=page.limit)


@router.post("", status_code=201, summary="Create a team")
def create_team(
    _: ApiAdmin, session: DbSession, now: Now, body: TeamCreate, response: Response
) -> TeamOut:
    team = teams.create(session, data=body, now=now)
    response.headers["Location"] = f"/api/v1/teams/{team.id}"
    return team_out(session, team)


@router.get("/{team_id}", summary="Get a team")
def get_team(_: ApiViewer, session: DbSession, team_id: Id) -> TeamOut:
    return team_out(session, teams.get(session, team_id=team_id))


@router.patch("/{team_id}", summary="Change a team")
def update_team(
    _: ApiAdmin, session: DbSession, now: Now, team_id: Id, body: TeamUpdate
) -> TeamOut:
    return team_out(session, teams.update(session, team_id=team_id, data=body, now=now))


@router.delete("/{team_id}", status_code=204, summary="Delete a team")
def delete_team(_: ApiAdmin, session: DbSession, team_id: Id) -> None:
    escalation.delete_team(session, team_id=team_id)


@router.post("/{team_id}/members", summary="Add a member (idempotent)")
def add_member(_: ApiAdmin, session: DbSession, now: Now, team_id: Id, body: MemberAdd) -> TeamOut:
    teams.add_member(session, team_id=team_id, user_id=body.user_id, now=now)
    return team_out(session, teams.get(session, team_id=team_id))


@router.delete("/{team_id}/members/{user_id}", summary="Remove a member (idempotent)")
def remove_member(_: ApiAdmin, session: DbSession, team_id: Id, user_id: Id) -> TeamOut:
    teams.remove_member(session, team_id=team_id, user_id=user_id)
    return team_out(session, teams.get(session, team_id=team_id))
