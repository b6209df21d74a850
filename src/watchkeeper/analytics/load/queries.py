"""The queries behind the on-call load report: pages in the range with each person's
zone and the team owning the paging service; the schedules' shifts in the range."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Integer, cast, func, select
from sqlalchemy.orm import Session

from watchkeeper.analytics.load.figures import PageRow
from watchkeeper.analytics.ranges import ReportRange
from watchkeeper.analytics.sql import epoch, is_sqlite
from watchkeeper.catalog.services.models import Service
from watchkeeper.catalog.teams.models import Team
from watchkeeper.catalog.users.models import User
from watchkeeper.incidents.models import Incident
from watchkeeper.oncall.schedules import service as schedules
from watchkeeper.oncall.schedules.resolver import Shift
from watchkeeper.pipeline.escalation.models import Page
from watchkeeper.response.drills.queries import not_a_drill

NONE = "(none)"
SHIFT_SPAN = timedelta(days=366)  # what the schedule resolver answers for at once


def pages(session: Session, *, window: ReportRange, service_id: int | None) -> list[PageRow]:
    """Pages summed per person, owning team and minute, with names and zones."""
    minute = cast(func.floor(epoch(is_sqlite(session), Page.created_at) / 60), Integer)
    query = (
        select(Page.user_id, Service.owner_team_id, minute, func.count())
        .select_from(Page)
        .join(Incident, Incident.id == Page.incident_id)
        .join(Service, Service.id == Incident.service_id)
        .where(Page.created_at >= window.start, Page.created_at < window.end, not_a_drill())
        .group_by(Page.user_id, Service.owner_team_id, minute)
    )
    if service_id is not None:
        query = query.where(Incident.service_id == service_id)
    counted = [(int(u), t, int(m), int(n)) for u, t, m, n in session.execute(query)]
    people = {
        int(row[0]): (str(row[1]), str(row[2]))
        for row in session.execute(
            select(User.id, User.name, User.time_zone).where(
                User.id.in_(sorted({u for u, _, _, _ in counted}))
            )
        )
    }
    teams = {
        int(row[0]): str(row[1])
        for row in session.execute(
            select(Team.id, Team.name).where(
                Team.id.in_(sorted({t for _, t, _, _ in counted if t is not None}))
            )
        )
    }
    return sorted(
        (
            PageRow(u, *people[u], t, teams.get(t, NONE) if t is not None else NONE, m, n)
            for u, t, m, n in counted
        ),
        key=lambda row: row.minute,
    )


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
