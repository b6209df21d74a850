"""Schedule, layer, layer member, override and per-user calendar feed tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.db.base import Base
from watchkeeper.oncall.schedules.resolver import ROTATIONS

_ROTATION_CHECK = "rotation IN (" + ", ".join(f"'{value}'" for value in ROTATIONS) + ")"


class Schedule(Base):
    __tablename__ = "schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    owner_team_id: Mapped[int | None] = mapped_column(
        ForeignKey("teams.id", ondelete="SET NULL"), index=True
    )
    time_zone: Mapped[str] = mapped_column(String(64))
    # SHA-256 of the calendar feed token; no feed until one is asked for.
    ical_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Layer(Base):
    """A rotation of participants. `starts_at_local` and `ends_at_local` are naive wall
    times in the schedule's zone (a shift starts at 09:00 there whatever the offset)."""

    __tablename__ = "schedule_layers"
    __table_args__ = (
        UniqueConstraint("schedule_id", "position"),
        CheckConstraint(_ROTATION_CHECK, name="rotation"),
        CheckConstraint("rotation_length >= 1", name="rotation_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(ForeignKey("schedules.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    position: Mapped[int]
    rotation: Mapped[str] = mapped_column(String(10))
    rotation_length: Mapped[int]
    handoff_time: Mapped[str] = mapped_column(String(5))
    starts_at_local: Mapped[datetime] = mapped_column(DateTime(timezone=False))
    ends_at_local: Mapped[datetime | None] = mapped_column(DateTime(timezone=False))
    # [{"days": [0, 1, ...], "start": "HH:MM", "end": "HH:MM"}, ...]; empty: always on.
    restrictions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class LayerMember(Base):
    """A layer's participants in turn order; a user may take several turns."""

    __tablename__ = "schedule_layer_members"

    layer_id: Mapped[int] = mapped_column(
        ForeignKey("schedule_layers.id", ondelete="CASCADE"), primary_key=True
    )
    turn: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


class Override(Base):
    """`user_id` is on call from `starts_at` to `ends_at`, whatever the layers say."""

    __tablename__ = "schedule_overrides"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="span"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    schedule_id: Mapped[int] = mapped_column(
        ForeignKey("schedules.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]


class UserFeed(Base):
    """A user's calendar feed of all their shifts; kept here so the users table stays as
    the catalog defines it."""

    __tablename__ = "user_ical_feeds"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
