"""Read side of checks: recent results, failures, the latency series and uptime %."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from watchkeeper.monitoring.checks.models import CheckResult, CheckRollup

WINDOWS = {
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
    "30d": timedelta(days=30),
    "90d": timedelta(days=90),
    "365d": timedelta(days=365),
}


def results(
    session: Session, *, check_id: int, since: datetime, limit: int = 10000
) -> Sequence[CheckResult]:
    """Runs since `since`, oldest first (the latency plot)."""
    return session.scalars(
        select(CheckResult)
        .where(CheckResult.check_id == check_id, CheckResult.started_at >= since)
        .order_by(CheckResult.started_at)
        .limit(limit)
    ).all()


def failures(session: Session, *, check_id: int, limit: int = 20) -> Sequence[CheckResult]:
    """The latest failed runs, newest first, with their errors."""
    return session.scalars(
        select(CheckResult)
        .where(CheckResult.check_id == check_id, CheckResult.ok.is_(False))
        .order_by(CheckResult.started_at.desc())
        .limit(limit)
    ).all()


def uptime(session: Session, *, check_id: int, now: datetime) -> dict[str, float | None]:
    """Percent of successful runs in each window, from the hourly rollups (which outlive
    the results); None for a window without runs."""
    out: dict[str, float | None] = {}
    for name, span in WINDOWS.items():
        since = (now - span).replace(minute=0, second=0, microsecond=0)
        runs, failed = session.execute(
            select(
                func.coalesce(func.sum(CheckRollup.runs), 0),
                func.coalesce(func.sum(CheckRollup.failures), 0),
            ).where(CheckRollup.check_id == check_id, CheckRollup.hour >= since)
        ).one()
        out[name] = round(100.0 * (runs - failed) / runs, 3) if runs else None
    return out


def hourly(session: Session, *, check_id: int, since: datetime) -> Sequence[CheckRollup]:
    return session.scalars(
        select(CheckRollup)
        .where(CheckRollup.check_id == check_id, CheckRollup.hour >= since)
        .order_by(CheckRollup.hour)
    ).all()
