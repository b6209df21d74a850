"""Engine module: new events become alerts and incidents (woken by every accepted event)."""

from __future__ import annotations

from datetime import datetime, timedelta

from prometheus_client import CollectorRegistry, Counter
from sqlalchemy.orm import Session

from watchkeeper.pipeline.correlate import cycle
from watchkeeper.pipeline.correlate.context import ContextCache


class Correlate:
    name = "correlate"
    version = 1
    interval = 1.0
    wakeable = True
    exclusive = True  # events are handled strictly in order
    batch_limit: int | None = None

    def __init__(
        self,
        registry: CollectorRegistry,
        *,
        flap_changes: int,
        flap_window: timedelta,
    ) -> None:
        self.flap_changes = flap_changes
        self.flap_window = flap_window
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

    def run_once(self, session: Session, now: datetime) -> int:
        outcomes = cycle.run_once(
            session,
            now,
            flap_changes=self.flap_changes,
            flap_window=self.flap_window,
            contexts=self.contexts,
        )
        for outcome in outcomes:
            self.outcomes.labels(outcome.kind).inc()
            if outcome.kind == "opened":
                self.incidents.inc()
        return len(outcomes)
