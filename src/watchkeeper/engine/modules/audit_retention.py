"""Engine module: delete audit log rows older than the retention period."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from watchkeeper.db.audit import queries


class AuditRetention:
    name = "audit_retention"
    version = 1
    interval = 3600.0
    wakeable = False
    exclusive = False
    batch_limit: int | None = None

    def __init__(self, keep: timedelta) -> None:
        self.keep = keep

    def run_once(self, session: Session, now: datetime) -> int:
        return queries.prune(session, before=now - self.keep)
