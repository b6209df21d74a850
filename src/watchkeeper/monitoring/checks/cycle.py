"""Engine entry points of the checks: take due checks, settle answers, keep retention."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from watchkeeper.monitoring.checks import runs
from watchkeeper.monitoring.checks.decide import Answer
from watchkeeper.monitoring.checks.models import CheckResult, CheckRollup
from watchkeeper.monitoring.checks.probes.base import Job

BATCH = 200
PRUNE_BATCH = 5000


def take_due(session: Session, until: datetime, *, now: datetime, limit: int = BATCH) -> list[Job]:
    """Claim the checks due by `until` (a little ahead of `now`: see the engine module)."""
    return runs.take_due(session, until, now=now, limit=min(limit, BATCH))


def settle(session: Session, answers: Sequence[Answer], now: datetime) -> int:
    return runs.settle(session, answers, now)


def prune(session: Session, now: datetime, *, results: timedelta, rollups: timedelta) -> int:
    """Delete results older than `results` and rollups older than `rollups`, boundedly."""
    old_results = (
        select(CheckResult.id).where(CheckResult.started_at < now - results).limit(PRUNE_BATCH)
    )
    done = session.execute(delete(CheckResult).where(CheckResult.id.in_(old_results)))
    gone = session.execute(delete(CheckRollup).where(CheckRollup.hour < now - rollups))
    assert isinstance(done, CursorResult)
    assert isinstance(gone, CursorResult)
    return done.rowcount + gone.rowcount
