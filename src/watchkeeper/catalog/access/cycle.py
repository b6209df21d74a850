"""Engine entry point of the access domain: forget web sessions that are over."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from watchkeeper.catalog.access.service import delete_expired_sessions

BATCH = 500


def run_once(session: Session, now: datetime) -> int:
    return delete_expired_sessions(session, now=now, limit=BATCH)
