"""Shifts as an iCalendar feed (RFC 5545) that calendar apps subscribe to.

Every shift is one VEVENT with times in UTC. Its UID is made of the schedule, the user
and the start, so a calendar app updates the same event when the shift's end moves (an
override cuts it short) and adds a new one when the shift itself changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from watchkeeper.oncall.schedules.resolver import Shift

if TYPE_CHECKING:
    from icalendar import Event

FEED_DAYS = 60
MEDIA_TYPE = "text/calendar; charset=utf-8"
PRODID = "-//Watchkeeper//On-call schedules//EN"
REFRESH = timedelta(hours=1)


@dataclass(frozen=True)
class FeedShift:
    """A shift with what an event shows: the schedule's and the person's names."""

    schedule_id: int
    schedule_name: str
    person: str
    shift: Shift


def uid(item: FeedShift) -> str:
    start = item.shift.start.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"shift-{item.schedule_id}-{item.shift.user_id}-{start}@watchkeeper"


def calendar(*, name: str, shifts: Iterable[FeedShift], now: datetime, per_person: bool) -> bytes:
    """The feed named `name`. `per_person`: one person's feed, so the summary leaves out
    who is on call; a schedule's feed names them."""
    from icalendar import Calendar, vDuration  # a tenth of a second to import: when needed

    feed = Calendar()
    feed.add("prodid", PRODID)
    feed.add("version", "2.0")
    feed.add("calscale", "GREGORIAN")
    feed.add("method", "PUBLISH")
    feed.add("x-wr-calname", name)
    feed.add("refresh-interval", vDuration(REFRESH), parameters={"VALUE": "DURATION"})
    feed.add("x-published-ttl", vDuration(REFRESH))
    for item in shifts:
        feed.add_component(_event(item, now.astimezone(UTC), per_person))
    document: bytes = feed.to_ical()
    return document


def _event(item: FeedShift, stamp: datetime, per_person: bool) -> Event:
    from icalendar import Event

    event = Event()
    summary = f"On call: {item.schedule_name}"
    event.add("uid", uid(item))
    event.add("dtstamp", stamp)
    event.add("dtstart", item.shift.start.astimezone(UTC))
    event.add("dtend", item.shift.end.astimezone(UTC))
    event.add("summary", summary if per_person else f"{summary} ({item.person})")
    how = "an override" if item.shift.is_override else "the rotation"
    event.add("description", f"{item.person} is on call for {item.schedule_name} ({how}).")
    event.add("transp", "TRANSPARENT")
    return event
