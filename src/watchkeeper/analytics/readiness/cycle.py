"""Engine entry point: the daily coverage digest to admins, when there are new findings.

Once a day a run computes the report and records which findings exist: new ones are
inserted, ones still there touched, ones gone marked resolved; a finding that comes back
is new again. The findings no digest has named yet go to every active admin in one
message (outbox rows through `notices`, low urgency). The very first look is a silent
baseline: the report shows what was already there, the digest tells what changes. Other
runs cost one query; the daily one the report's queries plus a fixed number of writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from watchkeeper.analytics.readiness import service
from watchkeeper.analytics.readiness.models import ReadinessFinding, ReadinessLook
from watchkeeper.analytics.readiness.schemas import Finding
from watchkeeper.catalog.users.models import User
from watchkeeper.db.upsert import insert_for
from watchkeeper.response import notices

EVERY = timedelta(hours=23)  # a day, less an hourly run's slack
KEEP_RESOLVED = timedelta(days=30)
LOOK = 1  # the one row of readiness_looks
LISTED = 50  # findings named in one message; the report has the rest


@dataclass(frozen=True)
class Digest:
    base_url: str

    def run_once(self, session: Session, now: datetime) -> int:
        """Returns how many new findings went into a digest (usually none)."""
        look = session.get(ReadinessLook, LOOK, with_for_update=True)
        if look is not None and now - look.looked_at < EVERY:
            return 0  # one look a day: the report resolves every schedule two weeks ahead
        _record(session, service.findings(session, now=now), now)
        new = list(
            session.scalars(
                select(ReadinessFinding)
                .where(
                    ReadinessFinding.digested_at.is_(None), ReadinessFinding.resolved_at.is_(None)
                )
                .order_by(ReadinessFinding.kind, ReadinessFinding.subject)
            )
        )
        if look is None:  # the first look is the baseline: nothing in it is news
            session.add(ReadinessLook(id=LOOK, looked_at=now))
        else:
            look.looked_at = now
            admins = session.scalars(select(User.id).where(User.role == "admin", User.is_active))
            notices.queue(session, [self._message(user, new, now) for user in admins if new], now)
        if new:
            session.execute(
                update(ReadinessFinding)
                .where(ReadinessFinding.key.in_([row.key for row in new]))
                .values(digested_at=now)
            )
        return len(new) if look is not None else 0

    def _message(
        self, user_id: int, new: Sequence[ReadinessFinding], now: datetime
    ) -> notices.Reminder:
        lines = [
            f"- {row.subject}: {row.detail}\n  fix: {self.base_url}{row.fix_url}" for row in new
        ]
        more = len(new) - LISTED
        tail = f"\n...and {more} more." if more > 0 else ""
        return notices.Reminder(
            key=f"readiness-digest:{now:%Y%m%d%H}:{user_id}",
            user_id=user_id,
            subject=f"[Watchkeeper] {len(new)} new readiness findings",
            body="New since the last digest (the whole report: "
            f"{self.base_url}/readiness):\n\n" + "\n".join(lines[:LISTED]) + tail,
        )


def _record(session: Session, found: Sequence[Finding], now: datetime) -> None:
    """Insert the new findings, touch the known ones, resolve the rest (a few statements)."""
    keys = [f.key for f in found]
    known = dict(
        session.execute(
            select(ReadinessFinding.key, ReadinessFinding.resolved_at).where(
                ReadinessFinding.key.in_(keys)
            )
        ).all()
    )
    fresh = [
        {
            "key": f.key[:200],
            "kind": f.kind,
            "subject": f.subject[:300],
            "detail": f.detail,
            "fix_url": f.fix_url[:300],
            "first_seen_at": now,
            "last_seen_at": now,
            "digested_at": None,
            "resolved_at": None,
        }
        for f in found
        if f.key not in known
    ]
    if fresh:
        insert = insert_for(session, ReadinessFinding.table())
        session.execute(insert.on_conflict_do_nothing(index_elements=["key"]), fresh)
    back = [key for key, resolved in known.items() if resolved is not None]
    if back:  # came back: new again
        session.execute(
            update(ReadinessFinding)
            .where(ReadinessFinding.key.in_(back))
            .values(first_seen_at=now, digested_at=None, resolved_at=None)
        )
    session.execute(
        update(ReadinessFinding).where(ReadinessFinding.key.in_(keys)).values(last_seen_at=now)
    )
    session.execute(
        update(ReadinessFinding)
        .where(ReadinessFinding.key.not_in(keys), ReadinessFinding.resolved_at.is_(None))
        .values(resolved_at=now)
    )
    session.execute(
        delete(ReadinessFinding).where(ReadinessFinding.resolved_at < now - KEEP_RESOLVED)
    )
