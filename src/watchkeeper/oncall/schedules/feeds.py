"""Calendar feed tokens, per schedule and per user: shown once, stored as SHA-256, and
replaced (the old one stops working) by asking for a new one. Callers own the transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.catalog.users.models import User
from watchkeeper.core.errors import NotFound
from watchkeeper.core.secrets import hash_token, looks_valid, new_token
from watchkeeper.oncall.schedules import ical, service
from watchkeeper.oncall.schedules.ical import FeedShift
from watchkeeper.oncall.schedules.models import Schedule, UserFeed

TOKEN_KIND = "ics"


def rotate_schedule_token(session: Session, *, schedule_id: int, now: datetime) -> str:
    """A new feed token for the schedule; any earlier one stops working."""
    schedule = service.get(session, schedule_id=schedule_id)
    token = new_token(TOKEN_KIND)
    schedule.ical_token_hash = hash_token(token)
    schedule.updated_at = now
    session.flush()
    return token


def rotate_user_token(session: Session, *, user_id: int, now: datetime) -> str:
    """A new token for the feed of all the user's shifts; any earlier one stops working."""
    if session.get(User, user_id) is None:
        raise NotFound(f"no user {user_id}")
    token = new_token(TOKEN_KIND)
    feed = session.get(UserFeed, user_id)
    if feed is None:
        session.add(UserFeed(user_id=user_id, token_hash=hash_token(token), created_at=now))
    else:
        feed.token_hash = hash_token(token)
        feed.created_at = now
    session.flush()
    return token


def schedule_for(session: Session, *, token: str) -> Schedule | None:
    """The schedule whose feed this token opens, if any."""
    if not looks_valid(token, TOKEN_KIND):
        return None
    return session.scalar(select(Schedule).where(Schedule.ical_token_hash == hash_token(token)))


def user_for(session: Session, *, token: str) -> User | None:
    """The active user whose feed this token opens, if any."""
    if not looks_valid(token, TOKEN_KIND):
        return None
    stmt = (
        select(User)
        .join(UserFeed, UserFeed.user_id == User.id)
        .where(UserFeed.token_hash == hash_token(token), User.is_active.is_(True))
    )
    return session.scalar(stmt)


def schedule_feed(
    session: Session, *, schedule: Schedule, now: datetime, user_id: int | None = None
) -> bytes:
    """The schedule's shifts of the next 60 days (or only `user_id`'s) as iCalendar."""
    start, end = _window(now)
    found = service.shifts(session, schedule_id=schedule.id, start=start, end=end)
    found = [s for s in found if s.end > now and user_id in (None, s.user_id)]
    names = _names(session, (shift.user_id for shift in found))
    items = [FeedShift(schedule.id, schedule.name, names[s.user_id], s) for s in found]
    return ical.calendar(name=f"On call: {schedule.name}", shifts=items, now=now, per_person=False)


def user_feed(session: Session, *, user: User, now: datetime) -> bytes:
    """The user's shifts of the next 60 days, across every schedule, as iCalendar."""
    start, end = _window(now)
    found = service.user_shifts(session, user_id=user.id, start=start, end=end)
    items = [
        FeedShift(schedule.id, schedule.name, user.name, s) for schedule, s in found if s.end > now
    ]
    return ical.calendar(name=f"On call: {user.name}", shifts=items, now=now, per_person=True)


def _window(now: datetime) -> tuple[datetime, datetime]:
    """What a feed resolves: from a day boundary 60 days back, so that a running shift
    keeps its real start (and its UID) from one fetch to the next, to 60 days ahead."""
    days = timedelta(days=ical.FEED_DAYS)
    midnight = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight - days, now + days


def _names(session: Session, user_ids: Iterable[int]) -> dict[int, str]:
    ids = set(user_ids)
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.name).where(User.id.in_(ids)))
    return dict(rows.all())
