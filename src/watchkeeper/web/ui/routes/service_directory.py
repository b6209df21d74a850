"""The service directory: every service, who owns it and whether anyone is paged for it,
readable by everyone (the admin pages change services; this one only shows them)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import Response

from watchkeeper.catalog.services import service as services
from watchkeeper.catalog.teams.models import Team
from watchkeeper.pipeline.escalation import service as escalation
from watchkeeper.web.deps import DbSession, UiViewer
from watchkeeper.web.ui.templating import render

router = APIRouter()


@router.get("/services")
def directory(request: Request, _: UiViewer, session: DbSession) -> Response:
    teams = {team.id: team.name for team in session.scalars(select(Team))}
    policies = {policy.id: policy.name for policy in escalation.list_policies(session)}
    context = {"services": services.all_(session), "team_names": teams, "policy_names": policies}
    return render(request, "services.html", context)
