"""Opt in or out of the weekly digest, and preview the next one."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete
from sqlalchemy.orm import Session

from watchkeeper.analytics.digest import content, weeks
from watchkeeper.analytics.digest.models import DigestSubscription
from watchkeeper.analytics.digest.schemas import DigestOut, DigestPreview
from watchkeeper.catalog.users.models import User


def get(session: Session, *, user_id: int) -> DigestOut:
    row = session.get(DigestSubscription, user_id)
    return DigestOut(enabled=row is not None, last_week=row.last_week if row else None)


def choose(session: Session, *, user_id: int, enabled: bool, now: datetime) -> DigestOut:
    row = session.get(DigestSubscription, user_id)
    if enabled and row is None:
        session.add(DigestSubscription(user_id=user_id, created_at=now, last_week=None))
        session.flush()
    if not enabled and row is not None:
        session.execute(delete(DigestSubscription).where(DigestSubscription.user_id == user_id))
    return get(session, user_id=user_id)


def preview(session: Session, *, user: User, now: datetime, base_url: str) -> DigestPreview:
    """The digest as it would go out now: of the last whole week in the reader's zone."""
    zone = ZoneInfo(user.time_zone)
    found = weeks.last_week(now, zone) or weeks.last_week(now - timedelta(days=7), zone)
    assert found is not None  # a week earlier, Monday 09:00 has surely passed
    week, window = found
    said = content.message(
        content.figures(session, window, zone),
        content.items_of(session, [user.id])[user.id],
        content.today_in(zone, now),
        base_url,
    )
    return DigestPreview(week=week, subject=said.subject, body=said.body)
