"""Cron expressions read in a zone, for what fires on a schedule (drills, workflows)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from croniter import CroniterBadCronError, croniter


def problem(cron: str) -> str | None:
    """Why `cron` cannot be used, or None. Five fields only: minute hour day month weekday."""
    if len(cron.split()) != 5:
        return "five fields: minute hour day-of-month month weekday"
    try:
        croniter(cron, day_or=False)
    except (CroniterBadCronError, ValueError, KeyError) as exc:
        return str(exc) or type(exc).__name__
    except Exception as exc:  # croniter has other ways to say no; none is a server error
        return type(exc).__name__
    return None


def next_fire(cron: str, zone: str, after: datetime) -> datetime:
    """The next time `cron`, read in `zone`, fires after `after` (in `after`'s zone, UTC).
    Both day fields must match when both are given: `0 10 1-7 * mon` is the first Monday."""
    local = after.astimezone(ZoneInfo(zone))
    fired: datetime = croniter(cron, local, day_or=False).get_next(datetime)
    return fired.astimezone(after.tzinfo)
