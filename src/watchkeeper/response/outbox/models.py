"""The communication outbox: one message to one address, with its delivery state.

Kept apart from the paging outbox (`notifications`) and sent by its own engine module,
so ten thousand subscriber emails never stand in the way of a page."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.db.base import Base


class OutboxMessage(Base):
    """`pending` until taken; `sending` under a lease; `sent` or `failed` are final.
    `address` (and `secret`) are sealed at rest when `sealed` (copied from a contact
    method); subscriber and external addresses are kept as given."""

    __tablename__ = "comms_outbox"
    __table_args__ = (Index("ix_comms_outbox_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # What it is for: confirm, update (subscribers), stakeholder, reminder.
    purpose: Mapped[str] = mapped_column(String(20))
    channel: Mapped[str] = mapped_column(String(10))  # email, webhook, apprise
    address: Mapped[str] = mapped_column(Text)
    secret: Mapped[str | None] = mapped_column(Text)
    sealed: Mapped[bool] = mapped_column(default=False)
    subject: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    headers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    subscriber_id: Mapped[int | None] = mapped_column(
        ForeignKey("status_subscribers.id", ondelete="CASCADE"), index=True
    )
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(10), default="pending")
    due_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    lease_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    answer: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
