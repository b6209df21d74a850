"""The communication outbox's transactions around delivery: queue messages, take the
due ones under a lease, and record what each channel answered.

Delivery happens between taking and settling, outside any transaction (see
`engine.modules.comms_send`); a sender that dies lets its lease run out and the message
is taken again, so delivery is at least once, and the message id lets receivers drop a
repeat."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from watchkeeper.db.claim import claim
from watchkeeper.pipeline.notify.channels.base import Delivery, Outgoing
from watchkeeper.pipeline.notify.send import backoff
from watchkeeper.response.outbox.models import OutboxMessage

BATCH = 100
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Message:
    """One message to queue."""

    purpose: str
    channel: str
    address: str
    subject: str
    text: str
    html: str = ""
    secret: str | None = None
    sealed: bool = False
    payload: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    subscriber_id: int | None = None
    incident_id: int | None = None


@dataclass(frozen=True)
class Job:
    message_id: int
    channel: str
    address: str
    secret: str | None
    sealed: bool
    outgoing: Outgoing
    attempt: int


@dataclass(frozen=True)
class Result:
    message_id: int
    delivery: Delivery
    attempt: int


def enqueue(session: Session, messages: Sequence[Message], *, now: datetime) -> int:
    """Queue messages with one bulk insert."""
    if not messages:
        return 0
    rows = [
        {
            "purpose": m.purpose,
            "channel": m.channel,
            "address": m.address,
            "secret": m.secret,
            "sealed": m.sealed,
            "subject": m.subject[:300],
            "text": m.text,
            "html": m.html,
            "payload": m.payload,
            "headers": m.headers,
            "subscriber_id": m.subscriber_id,
            "incident_id": m.incident_id,
            "status": "pending",
            "due_at": now,
            "attempts": 0,
            "created_at": now,
        }
        for m in messages
    ]
    session.execute(insert(OutboxMessage), rows)
    return len(rows)


def take_due(session: Session, now: datetime, *, limit: int = BATCH) -> list[Job]:
    """Lease up to `limit` due messages, oldest first: two statements."""
    rows = session.scalars(
        claim(
            session,
            select(OutboxMessage)
            .where(OutboxMessage.status == "pending", OutboxMessage.due_at <= now)
            .order_by(OutboxMessage.due_at, OutboxMessage.id)
            .limit(limit),
        )
    ).all()
    if not rows:
        return []
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_([row.id for row in rows]))
        .values(status="sending", lease_until=now + LEASE, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return [
        Job(
            message_id=row.id,
            channel=row.channel,
            address=row.address,
            secret=row.secret,
            sealed=row.sealed,
            outgoing=Outgoing(
                message_id=f"wk-comms-{row.id}",
                subject=row.subject,
                text=row.text,
                html=row.html or "",
                payload=row.payload,
                headers=row.headers,
            ),
            attempt=row.attempts + 1,
        )
        for row in rows
    ]


def settle(
    session: Session,
    results: Iterable[Result],
    now: datetime,
    rng: Callable[[], float] = random.random,
) -> int:
    """Record answers: sent, due again after a backoff, or failed for good."""
    results = list(results)
    if not results:
        return 0
    rows = {
        row.id: row
        for row in session.scalars(
            select(OutboxMessage).where(OutboxMessage.id.in_([r.message_id for r in results]))
        )
    }
    count = 0
    for result in results:
        row = rows.get(result.message_id)
        if row is None or row.status != "sending" or row.attempts != result.attempt:
            continue  # its lease ran out and another sender took it
        count += 1
        row.answer = result.delivery.detail[:2000]
        row.lease_until = None
        if result.delivery.ok:
            row.status, row.sent_at = "sent", now
        elif result.delivery.retryable and row.attempts < MAX_ATTEMPTS:
            row.status, row.due_at = "pending", now + backoff(row.attempts, rng)
        else:
            row.status = "failed"
    return count


def recover(session: Session, now: datetime) -> int:
    """Messages whose sender stopped answering (lease over) are due again."""
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == "sending", OutboxMessage.lease_until < now)
        .values(status="pending", lease_until=None, due_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def counts(session: Session, *, subscriber_ids: Sequence[int] | None = None) -> dict[str, int]:
    """Messages by status (for the admin pages and tests)."""
    stmt = select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
    if subscriber_ids is not None:
        stmt = stmt.where(OutboxMessage.subscriber_id.in_(list(subscriber_ids)))
    return {status: int(n) for status, n in session.execute(stmt).all()}
