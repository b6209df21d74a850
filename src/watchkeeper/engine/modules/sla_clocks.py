"""Engine module: SLA warnings and breaches, each a timeline entry and a metric."""

from __future__ import annotations

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

    def run_once(self, session: Session, now: datetime) -> int:
        handled, events = cycle.check(session, now)
        # Counted before commit: a rolled-back run that is retried may count twice.
        for event in events:
            self.events.labels(event.clock, event.kind, label(event.priority)).inc()
        return handled
