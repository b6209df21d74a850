"""Hand-off notices: people who asked for it are told when an on-call shift of theirs
starts. Shifts that started within the last few minutes count, so a slow or restarted
engine still sends them; the idempotency key sends each one once."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.catalog.users.models import User
from watchkeeper.oncall.schedules import service as schedules
from watchkeeper.pipeline.notify.models import ContactMethod, NotifyPreference
from watchkeeper.pipeline.notify.service import queue

LOOKBACK = timedelta(minutes=10)
# Far enough ahead to see where a new shift ends (longer ones are cut here).
LOOKAHEAD = timedelta(days=31)


def announce(session: Session, now: datetime) -> int:
    wanting = set(session.scalars(select(NotifyPreference.user_id).where(NotifyPreference.handoff)))
    if not wanting:
        return 0
    since = now - LOOKBACK
    queued = 0
    for schedule in schedules.all_(session):
        horizon = now + LOOKAHEAD
        stretches = schedules.stretches(session, schedule_id=schedule.id, start=since, end=horizon)
        for shift in stretches:
            # A shift cut at the window's start began earlier: it was announced then.
            if shift.user_id not in wanting or not since < shift.start <= now:
                continue
            end = shift.end if shift.end < horizon else None
            queued += _queue(session, shift.user_id, schedule.name, shift.start, end, now)
    return queued


def _queue(
    session: Session,
    user_id: int,
    schedule: str,
    start: datetime,
    end: datetime | None,
    now: datetime,
) -> int:
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        return 0
    zone = ZoneInfo(user.time_zone)
    until = (
        f"It lasts until {end.astimezone(zone).strftime('%a %d %b %H:%M %Z')}."
        if end
        else "It lasts over a month."
    )
    methods = session.scalars(
        select(ContactMethod.id).where(
            ContactMethod.user_id == user_id, ContactMethod.verified_at.is_not(None)
        )
    ).all()
    for method_id in methods:
        queue(
            session,
            key=f"handoff:{user_id}:{int(start.timestamp())}:{method_id}:{schedule[:40]}",
            kind="handoff",
            user_id=user_id,
            method_id=method_id,
            subject=f"[Watchkeeper] You are on call now: {schedule}",
            body=f"Your on-call shift on {schedule} has started. {until}",
            now=now,
        )
    return len(methods)
