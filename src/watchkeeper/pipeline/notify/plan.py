"""Pages become notifications: each paged user's rules for the page's urgency say which
verified contact method to use and after how many minutes.

A run plans a batch of pages with a fixed number of statements: one to claim the pages,
one each for the paged users' verified methods and rules, one multi-row INSERT into the
outbox (idempotent by key, so planning a page twice is harmless) and one to mark them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from watchkeeper.catalog.users.models import User
from watchkeeper.db.claim import claim
from watchkeeper.db.upsert import insert_for
from watchkeeper.incidents.timeline import ENGINE, Entries
from watchkeeper.pipeline.escalation.models import Page
from watchkeeper.pipeline.notify.models import ContactMethod, Notification, NotificationRule

BATCH = 500
Steps = list[tuple[int, int]]  # (contact method, delay in minutes)


def plan_pages(session: Session, now: datetime) -> int:
    pages = session.execute(
        claim(
            session,
            select(Page.id, Page.user_id, Page.urgency, Page.incident_id, Page.created_at)
            .where(Page.planned.is_(False))
            .order_by(Page.id)
            .limit(BATCH),
        )
    ).all()
    if not pages:
        return 0
    steps = steps_of(session, user_ids={page.user_id for page in pages})
    outbox: list[dict[str, Any]] = []
    unreachable: list[tuple[int, int]] = []
    for page_id, user_id, urgency, incident_id, created_at in pages:
        planned = steps.get((user_id, urgency), [])
        if not planned:
            unreachable.append((incident_id, user_id))
        outbox.extend(
            {
                "idempotency_key": f"page:{page_id}:{method_id}:{delay}",
                "kind": "page",
                "page_id": page_id,
                "incident_id": incident_id,
                "user_id": user_id,
                "contact_method_id": method_id,
                "subject": "",
                "body": "",
                "status": "pending",
                "due_at": created_at + timedelta(minutes=delay),
                "attempts": 0,
                "created_at": now,
            }
            for method_id, delay in planned
        )
    if outbox:
        insert = insert_for(session, Notification.table())
        session.execute(insert.on_conflict_do_nothing(index_elements=["idempotency_key"]), outbox)
    _say_unreachable(session, unreachable, now)
    table = Page.table()
    session.execute(
        update(table).where(table.c.id.in_([page.id for page in pages])).values(planned=True)
    )
    return len(pages)


def steps_of(session: Session, *, user_ids: Iterable[int]) -> dict[tuple[int, str], Steps]:
    """(contact method, delay in minutes) pairs per user and urgency, in two queries: the
    rules for that urgency that name a verified method; with none (no rules, or only rules
    for unverified methods), every verified method at once, because a page must not vanish
    over a settings gap."""
    users = sorted(set(user_ids))
    verified: dict[int, set[int]] = defaultdict(set)
    for method_id, user_id in session.execute(
        select(ContactMethod.id, ContactMethod.user_id).where(
            ContactMethod.user_id.in_(users), ContactMethod.verified_at.is_not(None)
        )
    ):
        verified[user_id].add(method_id)
    rules: dict[tuple[int, str], Steps] = defaultdict(list)
    for user_id, urgency, method_id, delay in session.execute(
        select(
            NotificationRule.user_id,
            NotificationRule.urgency,
            NotificationRule.contact_method_id,
            NotificationRule.delay_minutes,
        )
        .where(NotificationRule.user_id.in_(users))
        .order_by(NotificationRule.id)
    ):
        if method_id in verified[user_id]:
            rules[(user_id, urgency)].append((method_id, delay))
    return {
        (user_id, urgency): rules.get((user_id, urgency))
        or [(method_id, 0) for method_id in sorted(verified[user_id])]
        for user_id in users
        for urgency in ("high", "low")
    }


def _say_unreachable(session: Session, pages: list[tuple[int, int]], now: datetime) -> None:
    """A page nobody can be reached for is on its incident's timeline."""
    if not pages:
        return
    logins = dict(
        session.execute(
            select(User.id, User.login).where(User.id.in_({user for _, user in pages}))
        ).all()
    )
    entries = Entries()
    for incident_id, user_id in pages:
        entries.add(
            incident_id,
            "notify_failed",
            f"{logins.get(user_id)} cannot be notified: no verified contact method",
            ENGINE,
            now,
            {"user_id": user_id},
        )
    entries.write(session)
