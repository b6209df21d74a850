"""Engine module: SLA warnings and breaches, each a timeline entry and a metric."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter
from sqlalchemy.orm import Session

from watchkeeper.core.priority import label
from watchkeeper.incidents import cycle


class SlaClocks:
    name = "sla_clocks"
    version = 1
    interval = 1.0
    wakeable = False
    exclusive = False
    batch_limit: int | None = None

    def __init__(self, registry: CollectorRegistry) -> None:
        self.events = Counter(
            "watchkeeper_sla_events_total",
            "SLA warnings (80% of a target) and breaches, by clock and priority.",
            ["clock", "kind", "priority"],
            registry=registry,
        )
        self._uncommitted: list[cycle.SlaEvent] = []

    def run_once(self, session: Session, now: datetime) -> int:
        # Counted in after_commit: a run rolled back and retried (SQLite busy, a
        # PostgreSQL conflict) replaces what it found here instead of adding to it.
        self._uncommitted = []
        handled, self._uncommitted = cycle.check(session, now)
        return handled

    def after_commit(self, wake: Callable[[], None]) -> None:
        events, self._uncommitted = self._uncommitted, []
        for event in events:
            self.events.labels(event.clock, event.kind, label(event.priority)).inc()

    def close(self) -> None:
        """Nothing in flight: counting happens as each run commits."""
