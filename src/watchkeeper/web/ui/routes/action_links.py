"""`/act/{token}`: the acknowledge and resolve links in notifications, usable without a
login. Opening one shows what it will do; the button posts it (so link scanners and
previews that fetch URLs change nothing). The signed token is the authority, so these
routes sit outside the session and CSRF checks; it acts only while its person is active
and of a role that may acknowledge and resolve."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from watchkeeper.catalog.users.models import User
from watchkeeper.core.errors import Forbidden
from watchkeeper.incidents import service as incidents
from watchkeeper.incidents import transitions
from watchkeeper.incidents.lifecycle import Status
from watchkeeper.incidents.models import Incident
from watchkeeper.incidents.timeline import Actor, record
from watchkeeper.pipeline.notify.links import Claim, Linker, check_may_act
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import DbSession, Now
from watchkeeper.web.ui.templating import render

router = APIRouter(prefix="/act/{token}", include_in_schema=False)
DONE = {
    "acknowledge": (Status.ACKNOWLEDGED, Status.ON_HOLD, Status.RESOLVED, Status.CLOSED),
    "resolve": (Status.RESOLVED, Status.CLOSED),
}


def _read(request: Request, session: Session, token: str, now: Now) -> tuple[Claim, User, Incident]:
    ctx = context_of(request)
    claim = Linker(ctx.settings.resolved_base_url, ctx.secret_key).read(token, now)
    user = session.scalar(select(User).where(User.id == claim.user_id))
    if user is None or not user.is_active:
        raise Forbidden("the person this link was sent to can no longer act")
    check_may_act(claim, login=user.login, role=user.role)  # their role now, not when sent
    incident = incidents.get(session, incident_id=claim.incident_id)
    return claim, user, incident


@router.get("")
def confirm(request: Request, session: DbSession, now: Now, token: str) -> Response:
    claim, user, incident = _read(request, session, token, now)
    already = incident.status in DONE[claim.action]
    return render(
        request,
        "act.html",
        {"claim": claim, "user": user, "incident": incident, "already": already, "done": False},
    )


@router.post("")
def act(request: Request, session: DbSession, now: Now, token: str) -> Response:
    claim, user, incident = _read(request, session, token, now)
    already = incident.status in DONE[claim.action]
    if not already:
        actor = Actor(user.id, user.login)
        change = transitions.acknowledge if claim.action == "acknowledge" else transitions.resolve
        incident = change(session, incident_id=incident.id, actor=actor, now=now)
        record(
            session,
            incident_id=incident.id,
            kind="action_link",
            summary=f"{claim.action}d through the link in a notification sent to {user.login}",
            actor=actor,
            at=now,
            data={"notification_id": claim.notification_id, "action": claim.action},
        )
        context_of(request).wake_engine()
    return render(
        request,
        "act.html",
        {"claim": claim, "user": user, "incident": incident, "already": already, "done": True},
    )
