"""Priority matrix cells and SLA targets. Empty tables mean the defaults apply."""

from __future__ import annotations

from sqlalchemy import SmallInteger
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.db.base import Base


class PriorityCell(Base):
    __tablename__ = "priority_matrix"

    impact: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    urgency: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    priority: Mapped[int] = mapped_column(SmallInteger)


class SlaTarget(Base):
    __tablename__ = "sla_targets"

    priority: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    ack_seconds: Mapped[int]
    resolve_seconds: Mapped[int]
