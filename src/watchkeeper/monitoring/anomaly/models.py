"""What the event-rate watch remembers per integration: up to when it looked, and whether
it is alerting (the detector itself is replayed, not stored)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.db.base import Base


class RateWatch(Base):
    __tablename__ = "event_rate_watches"

    integration_id: Mapped[int] = mapped_column(
        ForeignKey("integrations.id", ondelete="CASCADE"), primary_key=True
    )
    checked_until: Mapped[datetime]
    alerting: Mapped[bool]
    score: Mapped[float]
