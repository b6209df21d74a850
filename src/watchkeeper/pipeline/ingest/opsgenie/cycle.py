"""Engine entry point of the drop-in: request statuses are kept as long as raw payloads."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from watchkeeper.pipeline.ingest.opsgenie.models import OpsgenieRequest


def prune_requests(session: Session, now: datetime, *, keep: timedelta) -> int:
    """Delete up to 1,000 request statuses older than `keep` (the alerts stay)."""
    old = select(OpsgenieRequest.id).where(OpsgenieRequest.processed_at < now - keep).limit(1000)
    result = session.execute(delete(OpsgenieRequest).where(OpsgenieRequest.id.in_(old)))
    assert isinstance(result, CursorResult)
    return result.rowcount
