"""Subscribers of a status page (to all of it or to chosen components), and the
announcements that fan a published update out to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.db.base import Base


class Subscriber(Base):
    """An email address (active once its confirmation link is followed) or a webhook
    URL (active at once; signed with `secret`). `token` is the secret in its confirm and
    unsubscribe links."""

    __tablename__ = "status_subscribers"
    __table_args__ = (
        UniqueConstraint("page_id", "kind", "address"),
        Index("ix_status_subscribers_page_active", "page_id", "confirmed_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    page_id: Mapped[int] = mapped_column(ForeignKey("status_pages.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))  # email, webhook
    address: Mapped[str] = mapped_column(String(500))
    secret: Mapped[str | None] = mapped_column(Text)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    confirmed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class SubscriberComponent(Base):
    """A subscriber with rows here hears only of updates touching these components."""

    __tablename__ = "status_subscriber_components"

    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("status_subscribers.id", ondelete="CASCADE"), primary_key=True
    )
    component_id: Mapped[int] = mapped_column(
        ForeignKey("status_components.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Announcement(Base):
    """A published update to tell subscribers about; the fan-out walks the page's
    subscribers in id order from `cursor` until `done_at`."""

    __tablename__ = "status_announcements"
    __table_args__ = (Index("ix_status_announcements_open", "done_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(
        ForeignKey("status_incident_updates.id", ondelete="CASCADE"), unique=True
    )
    page_id: Mapped[int] = mapped_column(ForeignKey("status_pages.id", ondelete="CASCADE"))
    cursor: Mapped[int] = mapped_column(default=0)
    queued: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    done_at: Mapped[datetime | None]
