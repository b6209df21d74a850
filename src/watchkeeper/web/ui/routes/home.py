"""The landing page after login."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response

from watchkeeper.catalog.teams.models import Team, TeamMembership
from watchkeeper.catalog.users.roles import Role
from watchkeeper.db.engine_state import latest_heartbeat
from watchkeeper.web.deps import DbSession, Now, UiViewer
from watchkeeper.web.ui.templating import render

router = APIRouter()


@router.get("/")
def home(request: Request, principal: UiViewer, session: DbSession, now: Now) -> Response:
    my_teams = session.scalars(
        select(Team)
        .join(TeamMembership, TeamMembership.team_id == Team.id)
        .where(TeamMembership.user_id == principal.user_id)
        .order_by(Team.name)
    ).all()
    beat = latest_heartbeat(session) if principal.role.allows(Role.ADMIN) else None
    engine_age = int((now - beat).total_seconds()) if beat else None
    return render(request, "home.html", {"teams": my_teams, "engine_age": engine_age})
