"""Priority matrix cells, SLA targets and the severity table. Empty tables mean the
defaults apply."""

from __future__ import annotations

from sqlalchemy import SmallInteger, String
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


class SeverityDefaultRow(Base):
    """What an alert's severity gives its incident: an urgency, and an impact (null: the
    service's default impact)."""

    __tablename__ = "severity_defaults"

    severity: Mapped[str] = mapped_column(String(10), primary_key=True)
    impact: Mapped[int | None] = mapped_column(SmallInteger)
    urgency: Mapped[int] = mapped_column(SmallInteger)
