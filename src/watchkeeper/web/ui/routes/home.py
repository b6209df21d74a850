"""The landing page after login: a responder's dashboard (my open incidents, who is on call
for my teams, my next shift) and, on a new installation, the first steps to take."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from watchkeeper.catalog.services.models import Service
from watchkeeper.catalog.teams.models import Team, TeamMembership
from watchkeeper.catalog.users.roles import Role
from watchkeeper.db.engine_state import latest_heartbeat
from watchkeeper.incidents.lifecycle import OPEN
from watchkeeper.incidents.models import Incident
from watchkeeper.oncall.schedules import service as schedules
from watchkeeper.oncall.schedules.models import Schedule
from watchkeeper.pipeline.correlate.models import Alert
from watchkeeper.pipeline.ingest.models import Integration
from watchkeeper.pipeline.notify.models import ContactMethod
from watchkeeper.web.deps import DbSession, Now, UiViewer
from watchkeeper.web.ui.routes.incident_lists import people
from watchkeeper.web.ui.templating import render

router = APIRouter()
SHOWN = 20
SHIFTS_AHEAD = timedelta(days=30)


@router.get("/")
def home(request: Request, principal: UiViewer, session: DbSession, now: Now) -> Response:
    my_teams = session.scalars(
        select(Team)
        .join(TeamMembership, TeamMembership.team_id == Team.id)
        .where(TeamMembership.user_id == principal.user_id)
        .order_by(Team.name)
    ).all()
    team_ids = [team.id for team in my_teams]
    admin = principal.role.allows(Role.ADMIN)
    beat = latest_heartbeat(session) if admin else None
    engine_age = int((now - beat).total_seconds()) if beat else None
    mine = session.scalars(
        select(Incident)
        .join(Service, Service.id == Incident.service_id)
        .where(
            Incident.status.in_([status.value for status in OPEN]),
            or_(Incident.assignee_id == principal.user_id, Service.owner_team_id.in_(team_ids)),
        )
        .order_by(Incident.priority, Incident.created_at.desc())
        .limit(SHOWN)
    ).all()
    shifts = schedules.user_shifts(
        session, user_id=principal.user_id, start=now, end=now + SHIFTS_AHEAD
    )
    return render(
        request,
        "home.html",
        {
            "teams": my_teams,
            "engine_age": engine_age,
            "my_incidents": mine,
            "next_shift": shifts[0] if shifts else None,
            **_on_call(session, team_ids, now),
            "checklist": _first_steps(session, principal.user_id) if admin else [],
        },
    )


def _on_call(session: Session, team_ids: list[int], now: datetime) -> dict[str, Any]:
    """Each schedule my teams own: who is on call now, until when, and who is next."""
    owned = session.scalars(
        select(Schedule).where(Schedule.owner_team_id.in_(team_ids)).order_by(Schedule.name)
    ).all()
    outlook = schedules.outlook(session, schedule_ids=[s.id for s in owned], at=now)
    ids = [shift.user_id for o in outlook.values() for shift in (*o.current, *o.next)]
    return {"rotas": [(s, outlook.get(s.id)) for s in owned], "on_call_names": people(session, ids)}


def _first_steps(session: Session, user_id: int) -> list[tuple[str, str, bool]]:
    """A new installation's checklist: (what, where, done); empty once every step is done."""

    def some(model: Any, *where: Any) -> bool:
        return bool(session.scalar(select(func.count()).select_from(model).where(*where)))

    steps = [
        ("Create a service", "/admin/services", some(Service)),
        ("Connect an integration", "/admin/services", some(Integration)),
        (
            "Add a contact method",
            "/account/notifications",
            some(ContactMethod, ContactMethod.user_id == user_id),
        ),
        ("Send a test alert", "/admin/services", some(Alert)),
    ]
    return [] if all(done for _, _, done in steps) else steps
