"""Reminders to people, at low urgency: outbox rows like every notification.

Each person's rules for low-urgency pages say which verified contact methods carry them
(all verified ones when they have no such rule, as for pages). A batch of reminders costs
three statements: two to read the methods and rules, one multi-row INSERT that the
idempotency keys make harmless to repeat.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from watchkeeper.db.upsert import insert_for
from watchkeeper.pipeline.notify.models import Notification
from watchkeeper.pipeline.notify.plan import steps_of

KIND = "reminder"


@dataclass(frozen=True)
class Reminder:
    key: str  # unique per reminder; the contact method is added to it
    user_id: int
    subject: str
    body: str
    incident_id: int | None = None


def queue(session: Session, reminders: Sequence[Reminder], now: datetime) -> int:
    """Put the reminders in the outbox; returns how many messages (methods) were queued."""
    if not reminders:
        return 0
    steps = steps_of(session, user_ids={item.user_id for item in reminders})
    rows: list[dict[str, Any]] = [
        {
            "idempotency_key": f"{item.key}:{method_id}"[:100],
            "kind": KIND,
            "page_id": None,
            "incident_id": item.incident_id,
            "user_id": item.user_id,
            "contact_method_id": method_id,
            "subject": item.subject[:300],
            "body": item.body,
            "status": "pending",
            "due_at": now + timedelta(minutes=delay),
            "attempts": 0,
            "created_at": now,
        }
        for item in reminders
        for method_id, delay in steps.get((item.user_id, "low"), [])
    ]
    if rows:
        insert = insert_for(session, Notification.table())
        session.execute(insert.on_conflict_do_nothing(index_elements=["idempotency_key"]), rows)
    return len(rows)
