"""Engine entry points of the ingest stage: late heartbeats, and the retention of raw payloads."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from watchkeeper.pipeline.ingest import heartbeats
from watchkeeper.pipeline.ingest.models import RawPayload

BATCH = 200


def check_heartbeats(session: Session, now: datetime) -> int:
    return heartbeats.overdue(session, now=now, limit=BATCH)


def prune_raw_payloads(session: Session, now: datetime, *, keep: timedelta) -> int:
    """Delete up to 1,000 raw payloads older than `keep` (the events keep their data)."""
    old = select(RawPayload.id).where(RawPayload.received_at < now - keep).limit(1000)
    result = session.execute(delete(RawPayload).where(RawPayload.id.in_(old)))
    assert isinstance(result, CursorResult)
    return result.rowcount
