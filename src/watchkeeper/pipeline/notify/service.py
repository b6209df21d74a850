"""Contact methods (verified before use), notification rules and preferences; queueing
messages in the outbox. Callers own the transaction; nothing is sent from here."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from watchkeeper.db.sealing import Sealer
from watchkeeper.db.upsert import insert_for
from watchkeeper.pipeline.notify import errors
from watchkeeper.pipeline.notify.channels.addresses import unusable
from watchkeeper.pipeline.notify.channels.webhook import new_secret
from watchkeeper.pipeline.notify.models import (
    ContactMethod,
    Notification,
    NotificationRule,
    NotifyPreference,
)
from watchkeeper.pipeline.notify.schemas import ContactMethodIn, RuleIn

CODE_LIFETIME = timedelta(minutes=30)
MAX_CODE_TRIES = 5


def add_method(
    session: Session, *, user_id: int, data: ContactMethodIn, now: datetime, sealer: Sealer
) -> ContactMethod:
    """Add a contact method and send it a verification code; it is not paged until verified.
    Its address and secret are stored sealed (`ContactMethodOut.shown` opens them)."""
    address = data.address.strip()
    _check_address(data.kind, address)
    method = ContactMethod(
        user_id=user_id,
        kind=data.kind,
        address=sealer.seal(address),
        label=data.label or data.kind,
        secret=sealer.seal(new_secret()) if data.kind == "webhook" else None,
        created_at=now,
    )
    session.add(method)
    session.flush()
    send_code(session, method=method, now=now)
    return method


def send_code(session: Session, *, method: ContactMethod, now: datetime) -> None:
    code = f"{secrets.randbelow(1_000_000):06d}"
    method.verification_hash = _digest(method.id, code)
    method.verification_expires_at = now + CODE_LIFETIME
    method.verification_failures = 0
    queue(
        session,
        key=f"verify:{method.id}:{secrets.token_hex(4)}",
        kind="verify",
        user_id=method.user_id,
        method_id=method.id,
        subject="Your Watchkeeper verification code",
        body=f"Your Watchkeeper verification code is {code}. It expires in 30 minutes.",
        now=now,
    )


@dataclass(frozen=True)
class Verification:
    method: ContactMethod
    verified: bool
    tries_left: int


def verify(
    session: Session, *, user_id: int, method_id: int, code: str, now: datetime
) -> Verification:
    """Try a method's code. The try is counted before the code is compared, in one
    statement that holds the row, so parallel guesses share the five a code allows. A
    wrong code is an answer, not an exception: the caller commits it (or the try would
    not count), then reports `errors.wrong_code`. An expired or locked code raises."""
    method = get_method(session, user_id=user_id, method_id=method_id)
    expires = method.verification_expires_at
    if method.verification_hash is None or expires is None or expires <= now:
        raise errors.wrong_code()
    tries = session.scalar(
        update(ContactMethod)
        .where(
            ContactMethod.id == method.id,
            ContactMethod.verification_failures < MAX_CODE_TRIES,
        )
        .values(verification_failures=ContactMethod.verification_failures + 1)
        .returning(ContactMethod.verification_failures)
    )
    if tries is None:
        raise errors.code_locked()
    if not secrets.compare_digest(method.verification_hash, _digest(method.id, code.strip())):
        return Verification(method, verified=False, tries_left=MAX_CODE_TRIES - tries)
    method.verified_at = now
    method.verification_hash = None
    method.verification_expires_at = None
    method.verification_failures = 0
    return Verification(method, verified=True, tries_left=MAX_CODE_TRIES)


def send_test(session: Session, *, user_id: int, method_id: int, now: datetime) -> Notification:
    method = get_method(session, user_id=user_id, method_id=method_id)
    return queue(
        session,
        key=f"test:{method.id}:{secrets.token_hex(4)}",
        kind="test",
        user_id=user_id,
        method_id=method.id,
        subject="Watchkeeper test notification",
        body="This is a test notification from Watchkeeper. Pages will reach you here.",
        now=now,
    )


def get_method(session: Session, *, user_id: int, method_id: int) -> ContactMethod:
    method = session.get(ContactMethod, method_id)
    if method is None or method.user_id != user_id:
        raise errors.method_not_found(method_id)
    return method


def list_methods(session: Session, *, user_id: int) -> Sequence[ContactMethod]:
    stmt = select(ContactMethod).where(ContactMethod.user_id == user_id)
    return session.scalars(stmt.order_by(ContactMethod.id)).all()


def delete_method(session: Session, *, user_id: int, method_id: int) -> None:
    session.delete(get_method(session, user_id=user_id, method_id=method_id))
    session.flush()


def add_rule(session: Session, *, user_id: int, data: RuleIn) -> NotificationRule:
    get_method(session, user_id=user_id, method_id=data.contact_method_id)
    rule = NotificationRule(
        user_id=user_id,
        urgency=data.urgency,
        contact_method_id=data.contact_method_id,
        delay_minutes=data.delay_minutes,
    )
    session.add(rule)
    session.flush()
    return rule


def list_rules(session: Session, *, user_id: int) -> Sequence[NotificationRule]:
    stmt = select(NotificationRule).where(NotificationRule.user_id == user_id)
    return session.scalars(
        stmt.order_by(NotificationRule.urgency, NotificationRule.delay_minutes)
    ).all()


def delete_rule(session: Session, *, user_id: int, rule_id: int) -> None:
    rule = session.get(NotificationRule, rule_id)
    if rule is None or rule.user_id != user_id:
        raise errors.rule_not_found(rule_id)
    session.delete(rule)
    session.flush()


def set_handoff(session: Session, *, user_id: int, handoff: bool) -> None:
    session.execute(
        insert_for(session, NotifyPreference)
        .values(user_id=user_id, handoff=handoff)
        .on_conflict_do_update(index_elements=["user_id"], set_={"handoff": handoff})
    )


def wants_handoff(session: Session, *, user_id: int) -> bool:
    return bool(
        session.scalar(select(NotifyPreference.handoff).where(NotifyPreference.user_id == user_id))
    )


def queue(
    session: Session,
    *,
    key: str,
    kind: str,
    user_id: int,
    method_id: int,
    now: datetime,
    subject: str = "",
    body: str = "",
    due_at: datetime | None = None,
    page_id: int | None = None,
    incident_id: int | None = None,
) -> Notification:
    """Put one message in the outbox (idempotent by `key`); the sender delivers it."""
    session.execute(
        insert_for(session, Notification)
        .values(
            idempotency_key=key,
            kind=kind,
            page_id=page_id,
            incident_id=incident_id,
            user_id=user_id,
            contact_method_id=method_id,
            subject=subject[:300],
            body=body,
            status="pending",
            due_at=due_at or now,
            attempts=0,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
    )
    found = session.scalar(select(Notification).where(Notification.idempotency_key == key))
    assert found is not None
    return found


def for_incident(session: Session, *, incident_id: int) -> Sequence[Notification]:
    """Every message about an incident, oldest first: its delivery log."""
    stmt = select(Notification).where(Notification.incident_id == incident_id)
    return session.scalars(stmt.order_by(Notification.id)).all()


def _check_address(kind: str, address: str) -> None:
    reason = unusable(kind, address)
    if reason:
        raise errors.bad_address(kind, reason)


def _digest(method_id: int, code: str) -> str:
    return hashlib.sha256(f"{method_id}:{code}".encode()).hexdigest()
