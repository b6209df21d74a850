"""Engine module: delete raw payloads (and Opsgenie request statuses) older than the
retention period."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from watchkeeper.pipeline.ingest import cycle
from watchkeeper.pipeline.ingest.opsgenie import cycle as opsgenie


class RawRetention:
    name = "raw_retention"
    version = 1
    interval = 600.0
    wakeable = False
    exclusive = False
    batch_limit: int | None = None

    def __init__(self, keep: timedelta) -> None:
        self.keep = keep

    def run_once(self, session: Session, now: datetime) -> int:
        pruned = cycle.prune_raw_payloads(session, now, keep=self.keep)
        return pruned + opsgenie.prune_requests(session, now, keep=self.keep)
