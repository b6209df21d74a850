"""The outbox's two transactions around delivery: take due messages (throttled and
bundled per contact method), and afterwards record what each channel answered.

Delivery itself happens between the two, outside any transaction (see
`engine.modules.notify_send`). A message is taken with a lease; if its sender dies, the
lease runs out and it is taken again, so delivery is at least once, and the stable
message id lets receivers drop a repeat.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from watchkeeper.catalog.services.models import Service
from watchkeeper.catalog.users.models import User
from watchkeeper.db.claim import claim
from watchkeeper.incidents.lifecycle import Status
from watchkeeper.incidents.models import Incident, TimelineEntry
from watchkeeper.incidents.timeline import ENGINE, Entries
from watchkeeper.pipeline.escalation.models import Page
from watchkeeper.pipeline.notify.channels.base import Delivery, Outgoing
from watchkeeper.pipeline.notify.links import Claim, Linker, may_act
from watchkeeper.pipeline.notify.models import ContactMethod, Notification
from watchkeeper.pipeline.notify.render import IncidentCard, page_message, plain_message

BATCH = 100
# A message claimed by an engine that then died is sent by another once this passes: long
# enough for any channel's timeouts (email 15 s per step, webhooks 10 s), short enough that
# a crash delays the pages it had in hand by about a minute, not five.
LEASE = timedelta(seconds=60)
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=15)
LONGEST_RETRY = timedelta(minutes=15)
LINK_LIFETIME = timedelta(days=3)
_DONE_WITH = (Status.RESOLVED.value, Status.CLOSED.value)
# Timeline entries a page carries along: what the engine found out since it opened.
NOTICE_KINDS = ("recurrence", "known_error", "response_plan")
# A notice of this kind links to the plan at the top of the incident's page.
_LINKED_NOTICE = "response_plan"


@dataclass(frozen=True)
class Job:
    """One message to deliver: what the sender needs once the transaction is over."""

    notification_id: int
    channel: str  # the contact method's kind
    address: str
    secret: str | None
    message: Outgoing
    attempt: int


@dataclass(frozen=True)
class Result:
    notification_id: int
    delivery: Delivery
    # Which attempt answered: a late answer from a sender whose lease ran out (and whose
    # message was taken again) must not settle the newer attempt.
    attempt: int | None = None


def backoff(attempts: int, rng: Callable[[], float] = random.random) -> timedelta:
    """Exponential from 15 s, at most 15 min, with jitter (half to all of the step)."""
    step: timedelta = min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_RETRY)
    return step * (0.5 + rng() / 2)


def take_due(session: Session, now: datetime, *, throttle: timedelta, linker: Linker) -> list[Job]:
    """Lease due messages and render them. Pages for one contact method become at most
    one message per `throttle`: what comes sooner waits, and goes out as one bundle.

    However many messages are due, this is a fixed number of queries: the due rows, their
    contact methods, what their incidents need now, the throttle, and the incident cards.
    """
    rows = session.scalars(
        claim(
            session,
            select(Notification)
            .where(Notification.status == "pending", Notification.due_at <= now)
            .order_by(Notification.due_at, Notification.id)
            .limit(BATCH),
        )
    ).all()
    if not rows:
        return []
    methods = _methods(session, {row.contact_method_id for row in rows})
    by_method: dict[int, list[Notification]] = defaultdict(list)
    jobs: list[Job] = []
    for row in _still_needed(session, [row for row in rows if row.kind == "page"]):
        by_method[row.contact_method_id].append(row)
    for row in rows:
        if row.kind != "page":
            jobs.append(_plain_job(row, methods[row.contact_method_id], now))
    last_sent = _last_pages_sent(session, list(by_method)) if throttle else {}
    bundles: list[list[Notification]] = []
    for method_id, pages in by_method.items():
        last = last_sent.get(method_id)
        if not throttle:  # no throttle, no bundles: each page is its own message
            bundles.extend([row] for row in pages)
        elif last is not None and now < last + throttle:
            for row in pages:
                row.due_at = last + throttle
        else:
            bundles.append(pages)
    paged = [row for pages in bundles for row in pages]
    cards = _Cards(session, {r.incident_id for r in paged}, {r.user_id for r in paged}, linker)
    for pages in bundles:
        jobs.append(_bundle_job(pages, methods[pages[0].contact_method_id], now, cards))
    return jobs


def settle(
    session: Session,
    results: Iterable[Result],
    now: datetime,
    rng: Callable[[], float] = random.random,
) -> int:
    """Record each channel's answer: sent, retried later, or failed for good (which the
    incident's timeline shows)."""
    results = list(results)
    if not results:
        return 0
    ids = [result.notification_id for result in results]
    rows = {
        row.id: row for row in session.scalars(select(Notification).where(Notification.id.in_(ids)))
    }
    carried_by = _carried_by(session, ids)
    failed: list[list[Notification]] = []
    count = 0
    for result in results:
        row = rows.get(result.notification_id)
        stale = result.attempt is not None and result.attempt != row.attempts if row else True
        if row is None or row.status != "sending" or stale:
            continue  # its lease ran out and another sender took it over
        count += 1
        delivery = result.delivery
        row.answer = delivery.detail[:2000]
        row.lease_until = None
        carried = carried_by.get(row.id, [])
        if delivery.ok:
            row.status = "sent"
            row.sent_at = now
            for other in carried:
                other.sent_at = now
        elif delivery.retryable and row.attempts < MAX_ATTEMPTS:
            _release([row, *carried], now + backoff(row.attempts, rng))
        else:
            for other in [row, *carried]:
                other.status = "failed"
                other.answer = row.answer
            failed.append([row, *carried])
    _record_failures(session, failed, now)
    return count


def recover(session: Session, now: datetime) -> int:
    """Messages whose sender stopped answering (lease over) are due again."""
    stale = session.scalars(
        claim(
            session,
            select(Notification)
            .where(Notification.status == "sending", Notification.lease_until < now)
            .limit(BATCH),
        )
    ).all()
    carried_by = _carried_by(session, [row.id for row in stale])
    failed: list[list[Notification]] = []
    for row in stale:
        carried = carried_by.get(row.id, [])
        if row.attempts >= MAX_ATTEMPTS:
            for other in [row, *carried]:
                other.status = "failed"
                other.answer = "no answer: the sender stopped during the last attempt"
            failed.append([row, *carried])
        else:
            _release([row, *carried], now)
    _record_failures(session, failed, now)
    return len(stale)


def _still_needed(session: Session, rows: Sequence[Notification]) -> list[Notification]:
    """Drop pages their incident no longer needs: escalation pages once it is
    acknowledged, any page once it is resolved."""
    if not rows:
        return []
    statuses = dict(
        session.execute(
            select(Incident.id, Incident.status).where(
                Incident.id.in_({row.incident_id for row in rows})
            )
        ).all()
    )
    levels = dict(
        session.execute(
            select(Page.id, Page.level).where(Page.id.in_({row.page_id for row in rows}))
        ).all()
    )
    keep: list[Notification] = []
    for row in rows:
        status = statuses.get(row.incident_id) if row.incident_id is not None else None
        level = levels.get(row.page_id) if row.page_id is not None else None
        if status in _DONE_WITH or (status != Status.TRIGGERED and level is not None):
            row.status = "cancelled"
            row.answer = f"not sent: the incident is {status}"
        else:
            keep.append(row)
    return keep


def _last_pages_sent(session: Session, method_ids: Sequence[int]) -> dict[int, datetime]:
    """When each contact method last carried a page (the throttle counts from there)."""
    rows = session.execute(
        select(Notification.contact_method_id, func.max(Notification.attempted_at))
        .where(
            Notification.contact_method_id.in_(sorted(method_ids)),
            Notification.kind == "page",
            Notification.status.in_(("sending", "sent")),
        )
        .group_by(Notification.contact_method_id)
    )
    return {method_id: last for method_id, last in rows if last is not None}


def _methods(session: Session, method_ids: set[int]) -> dict[int, ContactMethod]:
    stmt = select(ContactMethod).where(ContactMethod.id.in_(sorted(method_ids)))
    return {method.id: method for method in session.scalars(stmt)}


def _lease(row: Notification, now: datetime) -> None:
    row.status = "sending"
    row.attempts += 1
    row.attempted_at = now
    row.lease_until = now + LEASE


def _plain_job(row: Notification, method: ContactMethod, now: datetime) -> Job:
    _lease(row, now)
    message = plain_message(_message_id(row), row.subject, row.body)
    return Job(row.id, method.kind, method.address, method.secret, message, row.attempts)


def _bundle_job(
    rows: Sequence[Notification], method: ContactMethod, now: datetime, cards: _Cards
) -> Job:
    carrier, *others = rows
    for other in others:
        other.status = "bundled"
        other.carried_by_id = carrier.id
    _lease(carrier, now)
    incident_ids = list(dict.fromkeys(row.incident_id for row in rows if row.incident_id))
    message = page_message(
        _message_id(carrier),
        [cards.card(incident_id, carrier, now) for incident_id in incident_ids],
    )
    return Job(carrier.id, method.kind, method.address, method.secret, message, carrier.attempts)


class _Cards:
    """What a page says about each incident, read for the whole batch in one query."""

    def __init__(
        self,
        session: Session,
        incident_ids: set[int | None],
        user_ids: set[int],
        linker: Linker,
    ) -> None:
        self.linker = linker
        wanted = sorted(i for i in incident_ids if i is not None)
        rows = session.execute(
            select(Incident, Service.name)
            .join(Service, Service.id == Incident.service_id)
            .where(Incident.id.in_(wanted))
        ).all()
        self._found = {incident.id: (incident, name) for incident, name in rows}
        self._notices: dict[int, list[str]] = defaultdict(list)
        for incident_id, kind, summary in session.execute(
            select(TimelineEntry.incident_id, TimelineEntry.kind, TimelineEntry.summary)
            .where(TimelineEntry.incident_id.in_(wanted), TimelineEntry.kind.in_(NOTICE_KINDS))
            .order_by(TimelineEntry.id)
        ).all():
            if kind == _LINKED_NOTICE:
                summary = f"{summary}: {linker.incident_url(incident_id)}#plans"
            self._notices[incident_id].append(summary)
        # Whose role lets them act now: messages to anyone else carry no action links.
        roles = session.execute(select(User.id, User.role).where(User.id.in_(sorted(user_ids))))
        self._acting = {user_id for user_id, role in roles if may_act(role)}

    def card(self, incident_id: int, carrier: Notification, now: datetime) -> IncidentCard:
        incident, service = self._found[incident_id]

        def link(action: str) -> str | None:
            if carrier.user_id not in self._acting:
                return None
            claim_ = Claim(action, incident_id, carrier.user_id, carrier.id, now + LINK_LIFETIME)
            return self.linker.action_url(claim_)

        summary = incident.description.strip()
        return IncidentCard(
            id=incident.id,
            title=incident.title,
            priority=f"P{incident.priority}",
            status=incident.status,
            service=service or "",
            summary=summary[:500] + ("…" if len(summary) > 500 else ""),
            url=self.linker.incident_url(incident.id),
            acknowledge_url=link("acknowledge"),
            resolve_url=link("resolve"),
            notices=tuple(self._notices.get(incident_id, ())[:3]),
        )


def _message_id(row: Notification) -> str:
    return f"wk_msg_{row.id}"


def _carried_by(session: Session, ids: Sequence[int]) -> dict[int, list[Notification]]:
    """The rows bundled into each of these messages, in one query."""
    found: dict[int, list[Notification]] = defaultdict(list)
    if ids:
        stmt = select(Notification).where(
            Notification.carried_by_id.in_(ids), Notification.status == "bundled"
        )
        for row in session.scalars(stmt):
            assert row.carried_by_id is not None
            found[row.carried_by_id].append(row)
    return found


def _release(rows: Sequence[Notification], due_at: datetime) -> None:
    for row in rows:
        row.status = "pending"
        row.due_at = due_at
        row.lease_until = None
        row.carried_by_id = None


def _record_failures(session: Session, failed: list[list[Notification]], now: datetime) -> None:
    """Say on each incident's timeline that a page did not get through."""
    if not failed:
        return
    methods = _methods(session, {rows[0].contact_method_id for rows in failed})
    logins = dict(
        session.execute(
            select(User.id, User.login).where(User.id.in_({rows[0].user_id for rows in failed}))
        ).all()
    )
    entries = Entries()
    for rows in failed:
        carrier = rows[0]
        method = methods.get(carrier.contact_method_id)
        where = f"{method.kind} {method.label!r}" if method else "a deleted contact method"
        for incident_id in dict.fromkeys(row.incident_id for row in rows if row.incident_id):
            entries.add(
                incident_id,
                "notify_failed",
                f"could not notify {logins.get(carrier.user_id)} via {where}: {carrier.answer}",
                ENGINE,
                now,
                {"user_id": carrier.user_id, "notification_id": carrier.id},
            )
    entries.write(session)
