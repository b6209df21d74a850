"""Engine module: new events become alerts and incidents (woken by every accepted event)."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from prometheus_client import CollectorRegistry, Counter
from sqlalchemy.orm import Session

from watchkeeper.pipeline.correlate import cycle
from watchkeeper.pipeline.correlate.context import ContextCache

NOTHING_LEFT = 1 << 30  # a batch limit no run reaches: stop after this run


class Correlate:
    name = "correlate"
    version = 1
    interval = 1.0
    wakeable = True
    exclusive = True  # events are handled strictly in order

    def __init__(
        self,
        registry: CollectorRegistry,
        *,
        flap_changes: int,
        flap_window: timedelta,
    ) -> None:
        self.flap_changes = flap_changes
        self.flap_window = flap_window
        self._maybe_more = False
        self.contexts = ContextCache(flap_changes=flap_changes, flap_window=flap_window)
        self.outcomes = Counter(
            "watchkeeper_correlated_events_total",
            "Events correlated, by what became of them.",
            ["outcome"],
            registry=registry,
        )
        self.incidents = Counter(
            "watchkeeper_incidents_opened_by_alerts_total",
            "Incidents opened by alerts.",
            registry=registry,
        )

    @property
    def batch_limit(self) -> int | None:
        # Only a run cut short (by its batch or time budget) may have left events behind.
        return None if self._maybe_more else NOTHING_LEFT

    def run_once(self, session: Session, now: datetime) -> int:
        started = time.monotonic()
        outcomes = cycle.run_once(
            session,
            now,
            flap_changes=self.flap_changes,
            flap_window=self.flap_window,
            contexts=self.contexts,
        )
        self._maybe_more = bool(outcomes) and (
            len(outcomes) >= cycle.BATCH or time.monotonic() - started >= cycle.TIME_BUDGET
        )
        for outcome in outcomes:
            self.outcomes.labels(outcome.kind).inc()
            if outcome.kind == "opened":
                self.incidents.inc()
        return len(outcomes)
