"""The queries behind the on-call load report: pages in the range with each person's
zone and the team owning the paging service; the schedules' shifts in the range."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from watchkeeper.analytics.load.figures import PageRow
from watchkeeper.analytics.ranges import ReportRange
from watchkeeper.catalog.services.models import Service
from watchkeeper.catalog.teams.models import Team
from watchkeeper.catalog.users.models import User
from watchkeeper.incidents.models import Incident
from watchkeeper.oncall.schedules import service as schedules
from watchkeeper.oncall.schedules.resolver import Shift
from watchkeeper.pipeline.escalation.models import Page

NONE = "(none)"
SHIFT_SPAN = timedelta(days=366)  # what the schedule resolver answers for at once


def pages(session: Session, *, window: ReportRange, service_id: int | None) -> list[PageRow]:
    query = (
        select(
            Page.user_id,
            User.name,
            User.time_zone,
            Service.owner_team_id,
            func.coalesce(Team.name, NONE),
            Page.created_at,
        )
        .join(User, User.id == Page.user_id)
        .join(Incident, Incident.id == Page.incident_id)
        .join(Service, Service.id == Incident.service_id)
        .outerjoin(Team, Team.id == Service.owner_team_id)
        .where(Page.created_at >= window.start, Page.created_at < window.end)
    )
    if service_id is not None:
        query = query.where(Incident.service_id == service_id)
    return [PageRow(*row) for row in session.execute(query.order_by(Page.created_at))]


def rotations(session: Session, *, window: ReportRange) -> list[tuple[int, str, list[Shift]]]:
    """(schedule id, name, final shifts) of every schedule over the range (its last year
    when longer)."""
    start = max(window.start, window.end - SHIFT_SPAN)
    return [
        (s.id, s.name, schedules.shifts(session, schedule_id=s.id, start=start, end=window.end))
        for s in schedules.all_(session)
    ]


def names(session: Session, user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    rows = session.execute(select(User.id, User.name).where(User.id.in_(sorted(user_ids))))
    return {int(row[0]): str(row[1]) for row in rows}
