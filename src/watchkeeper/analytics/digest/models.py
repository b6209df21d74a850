"""Who asked for the weekly digest, and the last week it went out to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.db.base import Base


class DigestSubscription(Base):
    """One row per person who opted in; `last_week` (ISO week, `2026-W10`, in their own
    zone) makes each week's digest go out once."""

    __tablename__ = "digest_subscriptions"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime]
    last_week: Mapped[str | None] = mapped_column(String(8))
