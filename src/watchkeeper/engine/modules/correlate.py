"""Engine module: new events become alerts and incidents (woken by every accepted event)."""

from __future__ import annotations

from datetime import datetime, timedelta

from prometheus_client import CollectorRegistry, Counter
from sqlalchemy.orm import Session

from watchkeeper.pipeline.correlate import cycle
from watchkeeper.pipeline.correlate.context import ContextCache
from watchkeeper.pipeline.correlate.pending import Lanes

NOTHING_LEFT = 1 << 30  # a batch limit no run reaches: stop after this run


class Correlate:
    name = "correlate"
    version = 3
    interval = 1.0
    wakeable = True
    # Several engines may correlate on PostgreSQL: each claims its lanes (pipeline/correlate/
    # pending.py). On SQLite one engine does, as it runs every module.
    exclusive = False

    def __init__(
        self,
        registry: CollectorRegistry,
        *,
        flap_changes: int,
        flap_window: timedelta,
    ) -> None:
        self.flap_changes = flap_changes
        self.flap_window = flap_window
        self.lanes = Lanes()
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
        # Only a batch that left events behind wants another run at once.
        return None if self.lanes.truncated else NOTHING_LEFT

    def run_once(self, session: Session, now: datetime) -> int:
        try:
            outcomes = cycle.run_once(session, now, contexts=self.contexts, lanes=self.lanes)
        except Exception:
            # A rule may name a service or category deleted since the rules were read.
            self.contexts.invalidate()
            raise
        for outcome in outcomes:
            self.outcomes.labels(outcome.kind).inc()
            if outcome.kind == "opened":
                self.incidents.inc()
        return len(outcomes)
