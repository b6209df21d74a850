"""Pages become notifications: each paged user's rules for the page's urgency say which
verified contact method to use and after how many minutes."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.catalog.users.models import User
from watchkeeper.db.claim import claim
from watchkeeper.incidents.timeline import ENGINE, record
from watchkeeper.pipeline.escalation.models import Page
from watchkeeper.pipeline.notify.models import ContactMethod, NotificationRule
from watchkeeper.pipeline.notify.service import queue

BATCH = 200


def plan_pages(session: Session, now: datetime) -> int:
    pages = session.scalars(
        claim(session, select(Page).where(Page.planned.is_(False)).order_by(Page.id).limit(BATCH))
    ).all()
    known: dict[tuple[int, str], list[tuple[int, int]]] = {}  # for this batch
    for page in pages:
        who = (page.user_id, page.urgency)
        if who not in known:
            known[who] = steps_for(session, user_id=page.user_id, urgency=page.urgency)
        steps = known[who]
        for method_id, delay in steps:
            queue(
                session,
                key=f"page:{page.id}:{method_id}:{delay}",
                kind="page",
                user_id=page.user_id,
                method_id=method_id,
                now=now,
                due_at=page.created_at + timedelta(minutes=delay),
                page_id=page.id,
                incident_id=page.incident_id,
            )
        if not steps:
            login = session.scalar(select(User.login).where(User.id == page.user_id))
            record(
                session,
                incident_id=page.incident_id,
                kind="notify_failed",
                summary=f"{login} cannot be notified: no verified contact method",
                actor=ENGINE,
                at=now,
                data={"user_id": page.user_id},
            )
        page.planned = True
    return len(pages)


def steps_for(session: Session, *, user_id: int, urgency: str) -> list[tuple[int, int]]:
    """(contact method, delay in minutes) pairs: the rules for this urgency that name a
    verified method; with none (no rules, or only rules for unverified methods), every
    verified method at once, because a page must not vanish over a settings gap."""
    verified = {
        row[0]
        for row in session.execute(
            select(ContactMethod.id).where(
                ContactMethod.user_id == user_id, ContactMethod.verified_at.is_not(None)
            )
        )
    }
    rules = session.execute(
        select(NotificationRule.contact_method_id, NotificationRule.delay_minutes).where(
            NotificationRule.user_id == user_id, NotificationRule.urgency == urgency
        )
    ).all()
    steps = [(row[0], row[1]) for row in rules if row[0] in verified]
    return steps or [(method_id, 0) for method_id in sorted(verified)]
