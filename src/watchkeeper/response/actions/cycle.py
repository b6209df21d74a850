"""Engine entry point: remind owners of action items due soon, and once overdue.

A run reads open items whose due date is near, with their owners' zones, in one query by
the (status, due_on) index; decides in each owner's calendar which reminder is due; queues
them through `notices` (low urgency, the owner's own contact methods); and stamps the
items with one UPDATE per kind of reminder, so each goes out once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import Session

from watchkeeper.catalog.users.models import User
from watchkeeper.response import notices
from watchkeeper.response.actions.models import ActionItem
from watchkeeper.response.actions.schemas import OPEN

BATCH = 500


@dataclass(frozen=True)
class Due:
    item_id: int
    title: str
    owner_id: int
    due_on: date
    incident_id: int | None
    today: date  # in the owner's zone


@dataclass(frozen=True)
class ActionReminders:
    days_before: int

    def run_once(self, session: Session, now: datetime) -> int:
        items = _candidates(session, now, self.days_before)
        soon = [d for d in items if d.today <= d.due_on <= d.today + timedelta(self.days_before)]
        late = [d for d in items if d.due_on < d.today]
        reminders = [_soon(d) for d in soon if self.days_before > 0] + [_late(d) for d in late]
        notices.queue(session, reminders, now)
        table = ActionItem.table()
        for column, done in (("reminded_soon_at", soon), ("reminded_overdue_at", late)):
            if done:
                session.execute(
                    update(table).where(table.c.id == bindparam("item_id")).values({column: now}),
                    [{"item_id": d.item_id} for d in done],
                )
        return len(soon) + len(late)


def _candidates(session: Session, now: datetime, days_before: int) -> list[Due]:
    """Open items not yet reminded of what may be due; the horizon is a day wider than
    any zone's today, so the exact choice is made per owner below."""
    horizon = now.date() + timedelta(days=days_before + 1)
    stmt = (
        select(ActionItem, User.time_zone)
        .join(User, User.id == ActionItem.owner_id)
        .where(
            ActionItem.status.in_([s.value for s in OPEN]),
            ActionItem.due_on <= horizon,
            ActionItem.reminded_overdue_at.is_(None),
            or_(ActionItem.reminded_soon_at.is_(None), ActionItem.due_on <= now.date()),
            User.is_active.is_(True),
        )
        .order_by(ActionItem.due_on, ActionItem.id)
        .limit(BATCH)
    )
    found = []
    for item, zone in session.execute(stmt).all():
        assert item.due_on is not None
        today = now.astimezone(ZoneInfo(zone)).date()
        if item.reminded_soon_at is not None and item.due_on >= today:
            continue  # told it is due soon; not overdue yet
        found.append(Due(item.id, item.title, item.owner_id, item.due_on, item.incident_id, today))
    return found


def _soon(due: Due) -> notices.Reminder:
    when = "today" if due.due_on == due.today else f"on {due.due_on:%a %d %b}"
    return notices.Reminder(
        key=f"action-soon:{due.item_id}:{due.due_on.isoformat()}",
        user_id=due.owner_id,
        subject=f"[Watchkeeper] Action item due {when}: {due.title}",
        body=f"Your action item {due.item_id} ({due.title}) is due {when} ({due.due_on}).",
        incident_id=due.incident_id,
    )


def _late(due: Due) -> notices.Reminder:
    return notices.Reminder(
        key=f"action-late:{due.item_id}:{due.due_on.isoformat()}",
        user_id=due.owner_id,
        subject=f"[Watchkeeper] Action item overdue: {due.title}",
        body=f"Your action item {due.item_id} ({due.title}) was due {due.due_on}: still open.",
        incident_id=due.incident_id,
    )
