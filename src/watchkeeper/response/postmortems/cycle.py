"""Engine entry point: remind owners of postmortems that are due and not published.

One run reads the owed incidents (bounded, see `due`), the reminders already sent for
them and the owners' logins, then queues one reminder each through `notices`, with a
timeline entry saying so; a reminder row makes each go out once.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.catalog.users.models import User
from watchkeeper.core.priority import label
from watchkeeper.db.upsert import insert_for
from watchkeeper.incidents.timeline import ENGINE, Entries
from watchkeeper.response import notices
from watchkeeper.response.postmortems.due import Owed, owed
from watchkeeper.response.postmortems.models import PostmortemReminder


@dataclass(frozen=True)
class DueReminders:
    """The reminder rule, from settings: which priorities owe one, after how long."""

    priorities: Collection[int]
    business_days: int

    def run_once(self, session: Session, now: datetime) -> int:
        due = owed(
            session,
            priorities=self.priorities,
            business_days=self.business_days,
            now=now,
            only_due=True,
        )
        todo = _not_reminded(session, due)
        if not todo:
            return 0
        logins = _active_logins(session, {item.owner_id for item in todo})
        reminders, entries, rows = [], Entries(), list[dict[str, Any]]()
        for item in todo:
            incident, owner = item.incident, item.owner_id
            login = logins.get(owner) if owner is not None else None
            rows.append({"incident_id": incident.id, "user_id": owner, "reminded_at": now})
            if owner is None or login is None:
                said = "the postmortem is due and has no active owner to remind"
                entries.add(incident.id, "postmortem", said, ENGINE, now)
                continue
            reminders.append(_reminder(item, owner))
            said = f"reminded {login} that the postmortem is due"
            entries.add(incident.id, "postmortem", said, ENGINE, now)
        notices.queue(session, reminders, now)
        insert = insert_for(session, PostmortemReminder.table())
        session.execute(insert.on_conflict_do_nothing(index_elements=["incident_id"]), rows)
        entries.write(session)
        return len(todo)


def _not_reminded(session: Session, due: list[Owed]) -> list[Owed]:
    ids = [item.incident.id for item in due]
    if not ids:
        return []
    stmt = select(PostmortemReminder.incident_id).where(PostmortemReminder.incident_id.in_(ids))
    done = set(session.scalars(stmt))
    return [item for item in due if item.incident.id not in done]


def _active_logins(session: Session, user_ids: set[int | None]) -> dict[int, str]:
    wanted = sorted(user_id for user_id in user_ids if user_id is not None)
    stmt = select(User.id, User.login).where(User.id.in_(wanted), User.is_active.is_(True))
    return dict(session.execute(stmt).all())


def _reminder(item: Owed, owner: int) -> notices.Reminder:
    incident = item.incident
    return notices.Reminder(
        key=f"pm-due:{incident.id}",
        user_id=owner,
        subject=f"[Watchkeeper] Postmortem due: #{incident.id} {incident.title}",
        body=(
            f"The postmortem of {label(incident.priority)} incident #{incident.id} "
            f"({incident.title}) was due {item.due_at:%Y-%m-%d}; it is not published yet."
        ),
        incident_id=incident.id,
    )
