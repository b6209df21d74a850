"""Tables of the noise-reduction rules; matchers are stored as JSON lists."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.db.base import Base

MatcherList = list[dict[str, Any]]


class RoutingRule(Base):
    """Ordered; the first enabled rule whose matchers all match decides (or hands on)."""

    __tablename__ = "routing_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    position: Mapped[int] = mapped_column(index=True)
    name: Mapped[str] = mapped_column(String(100))
    enabled: Mapped[bool]
    matchers: Mapped[MatcherList] = mapped_column(JSON)
    set_service_id: Mapped[int | None] = mapped_column(
        ForeignKey("services.id", ondelete="SET NULL")
    )
    set_impact: Mapped[int | None] = mapped_column(SmallInteger)
    set_urgency: Mapped[int | None] = mapped_column(SmallInteger)
    set_category_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="SET NULL")
    )
    add_tags: Mapped[list[str]] = mapped_column(JSON)
    drop: Mapped[bool]
    suppress: Mapped[bool]
    continue_matching: Mapped[bool]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Silence(Base):
    """Alerts matching every matcher between start and end are kept but never page."""

    __tablename__ = "silences"

    id: Mapped[int] = mapped_column(primary_key=True)
    matchers: Mapped[MatcherList] = mapped_column(JSON)
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime] = mapped_column(index=True)
    comment: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]


class MaintenanceWindow(Base):
    """Per service: once (start to end) or weekly (days, local start time, duration, zone)."""

    __tablename__ = "maintenance_windows"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("services.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    time_zone: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime | None]
    ends_at: Mapped[datetime | None]
    weekdays: Mapped[list[int] | None] = mapped_column(JSON)  # 0 = Monday
    start_time: Mapped[str | None] = mapped_column(String(5))  # "HH:MM", local
    duration_minutes: Mapped[int | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]


class InhibitionRule(Base):
    """An open alert matching `source` suppresses new alerts matching `target` that carry
    the same values of the `equal` labels."""

    __tablename__ = "inhibition_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    enabled: Mapped[bool]
    source_matchers: Mapped[MatcherList] = mapped_column(JSON)
    target_matchers: Mapped[MatcherList] = mapped_column(JSON)
    equal: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime]
