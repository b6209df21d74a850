"""Engine step: fan a published update out to the page's subscribers, a bounded slice
of subscribers per run, each one an outbox row.

A fixed number of statements per run whatever the page's size: the announcement, its
update, incident, page and component names, one slice of subscribers (in id order from
the announcement's cursor), one bulk insert and the cursor's update."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from watchkeeper.db.claim import claim
from watchkeeper.response.outbox import service as outbox
from watchkeeper.response.statuspage.models import (
    Component,
    PublicIncident,
    PublicUpdate,
    StatusPage,
)
from watchkeeper.response.subscriptions.models import (
    Announcement,
    Subscriber,
    SubscriberComponent,
)
from watchkeeper.response.subscriptions.render import Links, UpdateNews, update_message

# Small slices, often: a run's extra work in the engine's turn stays a few milliseconds.
SLICE = 250


def announce(session: Session, *, update: PublicUpdate, page_id: int, now: datetime) -> None:
    """Tell the fan-out about a just-published update (in the publishing transaction)."""
    session.add(Announcement(update_id=update.id, page_id=page_id, created_at=now))


def run_once(session: Session, now: datetime, *, links: Links, size: int = SLICE) -> int:
    announcement = session.scalars(
        claim(
            session,
            select(Announcement)
            .where(Announcement.done_at.is_(None))
            .order_by(Announcement.id)
            .limit(1),
        )
    ).first()
    if announcement is None:
        return 0
    update = session.get(PublicUpdate, announcement.update_id)
    page = session.get(StatusPage, announcement.page_id)
    incident = session.get(PublicIncident, update.status_incident_id) if update else None
    if update is None or page is None or incident is None:
        announcement.done_at = now
        return 1
    touched = [int(key) for key in update.affected]
    names = session.scalars(
        select(Component.name)
        .where(Component.id.in_(touched))
        .order_by(Component.position, Component.id)
    ).all()
    news = UpdateNews(page=page, incident=incident, update=update, components=names)
    chosen = select(SubscriberComponent.subscriber_id).where(
        SubscriberComponent.subscriber_id == Subscriber.id
    )
    subscribers = session.scalars(
        select(Subscriber)
        .where(
            Subscriber.page_id == page.id,
            Subscriber.id > announcement.cursor,
            Subscriber.confirmed_at.is_not(None),
            or_(
                ~exists(chosen),
                exists(chosen.where(SubscriberComponent.component_id.in_(touched))),
            ),
        )
        .order_by(Subscriber.id)
        .limit(size)
    ).all()
    messages = [update_message(news, subscriber, links) for subscriber in subscribers]
    outbox.enqueue(session, messages, now=now)
    announcement.queued += len(messages)
    if subscribers:
        announcement.cursor = subscribers[-1].id
    if len(subscribers) < size:
        announcement.done_at = now
    return max(len(messages), 1)
