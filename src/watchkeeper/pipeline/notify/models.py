"""Contact methods, personal notification rules, and the notification outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.db.base import Base


class ContactMethod(Base):
    """Where a user can be reached: an email address, an Apprise URL or a webhook URL.
    It is paged only once verified (a code sent through it came back)."""

    __tablename__ = "contact_methods"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # email, apprise, webhook
    # Sealed at rest (`db.sealing`), like the secret below: Apprise URLs carry credentials.
    address: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(String(100))
    # Webhooks are signed with this (Standard Webhooks `whsec_...`); it is shown to the owner.
    secret: Mapped[str | None] = mapped_column(Text)
    verified_at: Mapped[datetime | None]
    verification_hash: Mapped[str | None] = mapped_column(String(64))
    verification_expires_at: Mapped[datetime | None]
    # Tries at the current code; five lock it until a new one is sent.
    verification_failures: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime]


class NotificationRule(Base):
    """ "For high (or low) urgency pages, notify via this method after N minutes"."""

    __tablename__ = "notification_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    urgency: Mapped[str] = mapped_column(String(4))  # high, low
    contact_method_id: Mapped[int] = mapped_column(
        ForeignKey("contact_methods.id", ondelete="CASCADE")
    )
    delay_minutes: Mapped[int]


class NotifyPreference(Base):
    __tablename__ = "notify_preferences"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    handoff: Mapped[bool]  # tell me when my on-call shift starts


class Notification(Base):
    """One message to one contact method: an outbox row with its delivery state.

    `pending` rows are sent when due; `sending` rows are claimed by a sender until
    `lease_until`; `sent`, `failed`, `cancelled` (its incident no longer needs it) and
    `bundled` (carried by row `carried_by_id`'s message, sharing its fate) are final.
    The idempotency key makes planning the same page twice harmless.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_due", "status", "due_at"),
        Index("ix_notifications_method_attempted", "contact_method_id", "attempted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # page, test, verify, handoff
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id", ondelete="SET NULL"))
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    contact_method_id: Mapped[int] = mapped_column(
        ForeignKey("contact_methods.id", ondelete="CASCADE")
    )
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10))
    due_at: Mapped[datetime]
    attempts: Mapped[int]
    lease_until: Mapped[datetime | None]
    # When a sender last took it (the throttle counts from here), and when it got through.
    attempted_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    carried_by_id: Mapped[int | None]
    # What the channel said about the last attempt ("HTTP 202", "SMTP 550", ...).
    answer: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
