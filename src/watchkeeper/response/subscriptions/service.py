"""Use cases of subscriptions: subscribe (email with double opt-in, or a signed
webhook), confirm, unsubscribe, and the admins' list, removal and export.

Callers own the transaction; messages leave as outbox rows in it."""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from watchkeeper.core.errors import Conflict
from watchkeeper.db.unique import add_unique
from watchkeeper.pipeline.notify.channels.addresses import unusable
from watchkeeper.pipeline.notify.channels.webhook import new_secret
from watchkeeper.response.outbox import service as outbox
from watchkeeper.response.statuspage.models import Component, StatusPage
from watchkeeper.response.subscriptions import errors
from watchkeeper.response.subscriptions.models import Subscriber, SubscriberComponent
from watchkeeper.response.subscriptions.render import Links, confirmation
from watchkeeper.response.subscriptions.schemas import SubscribedOut, SubscribeIn, SubscriberOut

LIST_LIMIT = 500


def subscribe(
    session: Session, *, page: StatusPage, data: SubscribeIn, links: Links, now: datetime
) -> SubscribedOut:
    """Add a subscriber. An email gets a confirmation link and hears nothing else until
    it is followed; asking again resends it, and an address already confirmed is told
    nothing new (the answer is the same, so nobody learns who subscribes)."""
    kind, address = _kind_and_address(data)
    components = _components(session, page.id, data.component_ids)
    found = session.scalars(
        select(Subscriber).where(
            Subscriber.page_id == page.id, Subscriber.kind == kind, Subscriber.address == address
        )
    ).first()
    if found is None:
        found = Subscriber(
            page_id=page.id,
            kind=kind,
            address=address,
            secret=new_secret() if kind == "webhook" else None,
            token=secrets.token_urlsafe(32),
            confirmed_at=now if kind == "webhook" else None,
            created_at=now,
        )
        add_unique(session, found, lambda: Conflict("this address was just subscribed"))
        session.flush()
        _set_components(session, found.id, components)
    elif found.confirmed_at is None:
        _set_components(session, found.id, components)
    if kind == "webhook":
        return SubscribedOut(status="subscribed", secret=found.secret)
    if found.confirmed_at is None:
        outbox.enqueue(session, [confirmation(page, found, links)], now=now)
    return SubscribedOut(status="confirmation_sent")


def _kind_and_address(data: SubscribeIn) -> tuple[str, str]:
    if (data.email is None) == (data.webhook_url is None):
        raise errors.invalid("email", "give an email address or a webhook URL", "one of two")
    if data.email is not None:
        address = data.email.lower()
        if reason := unusable("email", address):
            raise errors.invalid("email", reason, "not usable")
        return "email", address
    assert data.webhook_url is not None
    if reason := unusable("webhook", data.webhook_url):
        raise errors.invalid("webhook_url", reason, "not usable")
    return "webhook", data.webhook_url


def _components(session: Session, page_id: int, wanted: Sequence[int]) -> list[int]:
    ids = sorted(set(wanted))
    if not ids:
        return []
    known = set(
        session.scalars(
            select(Component.id).where(Component.page_id == page_id, Component.id.in_(ids))
        )
    )
    if unknown := [cid for cid in ids if cid not in known]:
        raise errors.invalid(
            "component_ids",
            "no such components on this page: " + ", ".join(map(str, unknown)),
            "no such component",
        )
    return ids


def _set_components(session: Session, subscriber_id: int, ids: Sequence[int]) -> None:
    session.execute(
        delete(SubscriberComponent).where(SubscriberComponent.subscriber_id == subscriber_id)
    )
    if ids:
        session.execute(
            insert(SubscriberComponent),
            [{"subscriber_id": subscriber_id, "component_id": cid} for cid in ids],
        )


def by_token(session: Session, *, page_id: int, token: str) -> Subscriber:
    found = session.scalars(
        select(Subscriber).where(Subscriber.token == token, Subscriber.page_id == page_id)
    ).first()
    if found is None:
        raise errors.link_not_valid()
    return found


def confirm(session: Session, *, page_id: int, token: str, now: datetime) -> Subscriber:
    """Follow the confirmation link: from now on the subscriber hears of updates."""
    found = by_token(session, page_id=page_id, token=token)
    found.confirmed_at = found.confirmed_at or now
    session.flush()
    return found


def unsubscribe(session: Session, *, page_id: int, token: str) -> None:
    """One click: the subscriber is gone, and so are its messages not yet sent."""
    session.delete(by_token(session, page_id=page_id, token=token))
    session.flush()


def remove(session: Session, *, page_id: int, subscriber_id: int) -> None:
    found = session.get(Subscriber, subscriber_id)
    if found is None or found.page_id != page_id:
        raise errors.subscriber_not_found(subscriber_id)
    session.delete(found)
    session.flush()


def list_(
    session: Session,
    *,
    page_id: int,
    kind: str | None = None,
    confirmed: bool | None = None,
    after_id: int = 0,
    limit: int = LIST_LIMIT,
) -> list[SubscriberOut]:
    stmt = select(Subscriber).where(Subscriber.page_id == page_id, Subscriber.id > after_id)
    if kind is not None:
        stmt = stmt.where(Subscriber.kind == kind)
    if confirmed is not None:
        stmt = stmt.where(
            Subscriber.confirmed_at.is_not(None) if confirmed else Subscriber.confirmed_at.is_(None)
        )
    rows = session.scalars(stmt.order_by(Subscriber.id).limit(limit)).all()
    chosen: dict[int, list[int]] = {}
    if rows:
        for sid, cid in session.execute(
            select(SubscriberComponent.subscriber_id, SubscriberComponent.component_id)
            .where(SubscriberComponent.subscriber_id.in_([row.id for row in rows]))
            .order_by(SubscriberComponent.component_id)
        ):
            chosen.setdefault(sid, []).append(cid)
    return [
        SubscriberOut(
            id=row.id,
            kind=row.kind,
            address=row.address,
            confirmed=row.confirmed_at is not None,
            component_ids=chosen.get(row.id, []),
            created_at=row.created_at,
            confirmed_at=row.confirmed_at,
        )
        for row in rows
    ]


def count(session: Session, *, page_id: int) -> dict[str, int]:
    """Subscribers of a page: all, and confirmed."""
    total, confirmed = session.execute(
        select(func.count(), func.count(Subscriber.confirmed_at)).where(
            Subscriber.page_id == page_id
        )
    ).one()
    return {"total": int(total), "confirmed": int(confirmed)}


CSV_FIELDS = ("id", "kind", "address", "confirmed", "component_ids", "created_at", "confirmed_at")


def export_csv(session: Session, *, page_id: int) -> str:
    """Every subscriber of a page as CSV, read in pages of `LIST_LIMIT`."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    after = 0
    while rows := list_(session, page_id=page_id, after_id=after):
        for row in rows:
            writer.writerow(
                [
                    row.id,
                    row.kind,
                    _cell(row.address),
                    "yes" if row.confirmed else "no",
                    " ".join(map(str, row.component_ids)),
                    row.created_at.isoformat(),
                    row.confirmed_at.isoformat() if row.confirmed_at else "",
                ]
            )
        after = rows[-1].id
    return out.getvalue()


def _cell(text: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
