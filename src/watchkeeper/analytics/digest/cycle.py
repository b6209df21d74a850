"""Engine entry point: send each subscriber last week's digest once, from Monday 09:00 in
their own zone.

A run reads the subscribers not yet done for the latest week any zone is in (one query
with their users; up to BATCH of those due are sent), computes the installation's
figures once per zone, reads their action items in one query, queues one reminder each
through `notices` (low urgency, their own contact methods; the week in the key makes a
repeat harmless) and stamps the week with one UPDATE.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import Session

from watchkeeper.analytics.digest import content, weeks
from watchkeeper.analytics.digest.models import DigestSubscription
from watchkeeper.analytics.ranges import ReportRange
from watchkeeper.catalog.users.models import User
from watchkeeper.response import notices

BATCH = 200


@dataclass(frozen=True)
class WeeklyDigest:
    base_url: str

    def run_once(self, session: Session, now: datetime) -> int:
        due: list[tuple[User, str, ReportRange]] = []
        for subscription, user in session.execute(
            select(DigestSubscription, User)
            .join(User, User.id == DigestSubscription.user_id)
            .where(
                User.is_active.is_(True),
                or_(
                    DigestSubscription.last_week.is_(None),
                    DigestSubscription.last_week < weeks.latest_week(now),
                ),
            )
            .order_by(DigestSubscription.user_id)
        ):
            # Read all not yet done: those whose Monday 09:00 has not come must not crowd out
            # the ones whose has; at most BATCH go out per run.
            found = weeks.last_week(now, ZoneInfo(user.time_zone))
            if found is not None and found[0] != subscription.last_week:
                due.append((user, *found))
                if len(due) == BATCH:
                    break
        if not due:
            return 0
        return len(self._send(session, due, now))

    def _send(
        self, session: Session, due: list[tuple[User, str, ReportRange]], now: datetime
    ) -> list[int]:
        shared: dict[tuple[str, ReportRange], content.Figures] = {}
        items = content.items_of(session, [user.id for user, _, _ in due])
        reminders = []
        for user, week, window in due:
            key = (user.time_zone, window)
            zone = ZoneInfo(user.time_zone)
            if key not in shared:
                shared[key] = content.figures(session, window, zone)
            said = content.message(
                shared[key], items[user.id], content.today_in(zone, now), self.base_url
            )
            reminders.append(
                notices.Reminder(
                    key=f"digest:{user.id}:{week}",
                    user_id=user.id,
                    subject=said.subject,
                    body=said.body,
                )
            )
        notices.queue(session, reminders, now)
        table = DigestSubscription.table()
        session.execute(
            update(table)
            .where(table.c.user_id == bindparam("uid"))
            .values(last_week=bindparam("week")),
            [{"uid": user.id, "week": week} for user, week, _ in due],
        )
        return [user.id for user, _, _ in due]
