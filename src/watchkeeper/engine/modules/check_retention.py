"""Engine module: delete check results and hourly rollups past their retention."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from watchkeeper.monitoring.checks import cycle


class CheckRetention:
    name = "check_retention"
    version = 1
    interval = 600.0
    wakeable = False
    exclusive = False
    batch_limit: int | None = None

    def __init__(self, *, results: timedelta, rollups: timedelta) -> None:
        self.results = results
        self.rollups = rollups

    def run_once(self, session: Session, now: datetime) -> int:
        return cycle.prune(session, now, results=self.results, rollups=self.rollups)
