"""Checks, their results (kept a week) and hourly rollups (kept a year)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.db.base import Base

KINDS = ("http", "tcp", "tls", "dns", "port")
_KINDS_CHECK = "kind IN (" + ", ".join(f"'{k}'" for k in KINDS) + ")"
BigId = BigInteger().with_variant(Integer(), "sqlite")


class Check(Base):
    """One synthetic check: what to probe (`spec`, per kind), how often, and its state."""

    __tablename__ = "checks"
    __table_args__ = (
        CheckConstraint(_KINDS_CHECK, name="kind"),
        CheckConstraint("interval_seconds >= 10", name="interval"),
        Index("ix_checks_due", "next_due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(
        ForeignKey("services.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(10))
    target: Mapped[str] = mapped_column(String(2048))
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)
    interval_seconds: Mapped[int]
    timeout_seconds: Mapped[int]
    retries: Mapped[int]
    severity: Mapped[str] = mapped_column(String(10))
    paused: Mapped[bool]
    # Made by an admin: it may reach the networks of WATCHKEEPER_CHECKS_ALLOW_CIDRS.
    internal: Mapped[bool]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Scheduling: due at `next_due_at`; a claimed run holds the check until `claimed_until`.
    next_due_at: Mapped[datetime | None]
    claimed_until: Mapped[datetime | None]
    # new, up, down
    status: Mapped[str] = mapped_column(String(10))
    failures: Mapped[int]  # consecutive failed runs
    last_run_at: Mapped[datetime | None]
    last_latency_ms: Mapped[float | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    down_since: Mapped[datetime | None]
    # The smallest TLS warning threshold (days) already raised for the current certificate.
    expiry_warned_days: Mapped[int | None]


class CheckResult(Base):
    """One run of a check: kept for WATCHKEEPER_CHECK_RESULT_RETENTION_DAYS."""

    __tablename__ = "check_results"
    __table_args__ = (Index("ix_check_results_check_time", "check_id", "started_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    check_id: Mapped[int] = mapped_column(ForeignKey("checks.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(index=True)
    # How late the run started after it was due, in milliseconds (schedule drift).
    lag_ms: Mapped[float]
    ok: Mapped[bool]
    latency_ms: Mapped[float | None]
    error: Mapped[str | None] = mapped_column(Text)


class CheckRollup(Base):
    """Per check and hour: runs, failures and latency, kept for a year (uptime %)."""

    __tablename__ = "check_rollups"

    check_id: Mapped[int] = mapped_column(
        ForeignKey("checks.id", ondelete="CASCADE"), primary_key=True
    )
    hour: Mapped[datetime] = mapped_column(primary_key=True, index=True)
    runs: Mapped[int]
    failures: Mapped[int]
    latency_sum_ms: Mapped[float]
    latency_max_ms: Mapped[float]
