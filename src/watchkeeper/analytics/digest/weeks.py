"""Weeks as each person lives them: Monday 00:00 in their own zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from watchkeeper.analytics.ranges import ReportRange

SEND_HOUR = 9  # the digest goes out from Monday 09:00, local time
ZONE_SPREAD = timedelta(hours=14)  # no zone is further than this from UTC


def week_of(moment: datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


def latest_week(now: datetime) -> str:
    """The latest week any zone is in: a subscriber whose last digest is of this week or
    later is surely done."""
    return week_of((now + ZONE_SPREAD).replace(tzinfo=None))


def last_week(now: datetime, zone: ZoneInfo) -> tuple[str, ReportRange] | None:
    """The current local week's name and the range of the week before it, once the
    digest is due in `zone` (from Monday 09:00 on); None before that."""
    local = now.astimezone(zone)
    monday = (local - timedelta(days=local.weekday())).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    if local < monday.replace(hour=SEND_HOUR):
        return None
    start = monday - timedelta(days=7)
    return week_of(local), ReportRange(start.astimezone(UTC), monday.astimezone(UTC))
