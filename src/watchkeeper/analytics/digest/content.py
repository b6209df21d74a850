"""What a weekly digest says: last week's incidents, MTTA and MTTR against the week
before, the noisiest alert, and the reader's own action items due or overdue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.analytics.dimensions import Dimension
from watchkeeper.analytics.follow.figures import OPEN
from watchkeeper.analytics.noise import service as noise
from watchkeeper.analytics.ranges import ReportRange
from watchkeeper.analytics.response import service as response
from watchkeeper.analytics.response.schemas import GroupOut, TrendOut
from watchkeeper.response.actions.models import ActionItem

ITEMS = 10


@dataclass(frozen=True)
class Figures:
    """The installation's figures of one week, in one zone: shared by every reader there."""

    window: ReportRange
    zone: ZoneInfo
    total: GroupOut
    noisiest: str | None


@dataclass(frozen=True)
class Message:
    subject: str
    body: str


def figures(session: Session, window: ReportRange, zone: ZoneInfo) -> Figures:
    summary = response.report(session, window=window, by=Dimension.ALL, zone=zone).total
    top = noise.report(session, window=window, limit=1).by_alertname
    noisiest = (
        f"{top[0].name} on {top[0].service}: {top[0].alerts} alerts, {top[0].pages} pages"
        if top
        else None
    )
    return Figures(window, zone, summary, noisiest)


def items_of(session: Session, user_ids: list[int]) -> dict[int, list[ActionItem]]:
    """Each reader's open action items that have a due day, soonest first (one query)."""
    found: dict[int, list[ActionItem]] = {user_id: [] for user_id in user_ids}
    if not user_ids:
        return found
    for item in session.scalars(
        select(ActionItem)
        .where(
            ActionItem.owner_id.in_(user_ids),
            ActionItem.status.in_(OPEN),
            ActionItem.due_on.is_not(None),
        )
        .order_by(ActionItem.due_on, ActionItem.id)
    ):
        found[item.owner_id].append(item)
    return found


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "none"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60} min"


def _trend(trend: TrendOut, *, time: bool) -> str:
    if trend.previous is None:
        return "no week before to compare"
    before = duration(trend.previous) if time else f"{trend.previous:.0f}"
    if trend.percent is None:
        return f"week before: {before}"
    return f"week before: {before}, {trend.percent:+.0f}%"


def message(week: Figures, items: list[ActionItem], today: date, base_url: str) -> Message:
    t = week.total
    start = week.window.start.astimezone(week.zone)
    end = (week.window.end - timedelta(seconds=1)).astimezone(week.zone)
    due = [i for i in items if i.due_on is not None and i.due_on <= today + timedelta(days=7)]
    late = [i for i in due if i.due_on is not None and i.due_on < today]
    lines = [
        f"Week of {start:%a %d %b} to {end:%a %d %b %Y} ({week.zone.key})",
        "",
        f"Incidents: {t.count} ({_trend(t.count_trend, time=False)})",
        f"MTTA: {duration(t.mtta.mean)} ({_trend(t.mtta_trend, time=True)})",
        f"MTTR: {duration(t.mttr.mean)} ({_trend(t.mttr_trend, time=True)})",
        f"Noisiest alert: {week.noisiest or 'no alerts'}",
        "",
        f"Your action items due this week: {len(due) - len(late)}, overdue: {len(late)}",
        *[f"- {i.title} (due {i.due_on})" for i in due[:ITEMS]],
        "",
        f"Reports: {base_url}/reports?start={start:%Y-%m-%d}&end={end:%Y-%m-%d}",
        f"Stop these digests: {base_url}/account/weekly-digest",
    ]
    counted = f"{t.count} incident{'' if t.count == 1 else 's'}"
    subject = f"[Watchkeeper] Weekly digest: {counted}, MTTA {duration(t.mtta.mean)}"
    return Message(subject, "\n".join(lines))


def today_in(zone: ZoneInfo, now: datetime) -> date:
    return now.astimezone(zone).date()
