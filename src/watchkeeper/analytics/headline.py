"""The headline figures exported as Prometheus metrics: each a small query (or the
response report over the last 7 days), read at scrape time from the database, so every
web process reports the same values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from watchkeeper.analytics.dimensions import Dimension
from watchkeeper.analytics.ranges import ReportRange
from watchkeeper.analytics.response.service import report
from watchkeeper.catalog.users.models import User
from watchkeeper.core.priority import label
from watchkeeper.incidents.lifecycle import OPEN
from watchkeeper.incidents.models import Incident
from watchkeeper.pipeline.escalation.models import Page

WEEK = timedelta(days=7)
BREACHED = "breached"


@dataclass(frozen=True)
class Headline:
    open_by_priority: dict[str, int]
    # service name -> (MTTA mean, MTTR mean) in seconds over the last 7 days
    last_week: dict[str, tuple[float | None, float | None]]
    breaches: dict[tuple[str, str], int]  # (clock, priority) -> breached clocks, all time
    pages_by_user: dict[str, int]  # login -> pages, all time


def headline(session: Session, now: datetime) -> Headline:
    open_rows = session.execute(
        select(Incident.priority, func.count())
        .where(Incident.status.in_([s.value for s in OPEN]))
        .group_by(Incident.priority)
    )
    opened = {label(p): 0 for p in range(1, 6)}
    opened |= {label(int(p)): int(n) for p, n in open_rows}
    week = report(
        session, window=ReportRange(now - WEEK, now), by=Dimension.SERVICE, zone=ZoneInfo("UTC")
    )
    last_week = {g.label: (g.mtta.mean, g.mttr.mean) for g in week.groups}
    breaches: dict[tuple[str, str], int] = {}
    for clock, column in (("acknowledge", Incident.sla_ack), ("resolve", Incident.sla_resolve)):
        rows = session.execute(
            select(Incident.priority, func.count())
            .where(column == BREACHED)
            .group_by(Incident.priority)
        )
        for priority, count in rows:
            breaches[(clock, label(int(priority)))] = int(count)
    pages = session.execute(
        select(User.login, func.count())
        .select_from(Page)
        .join(User, User.id == Page.user_id)
        .group_by(User.login)
    )
    return Headline(opened, last_week, breaches, {str(k): int(v) for k, v in pages})
