"""Prometheus metrics of the coverage report (docs/readiness.md): findings by kind and
team, computed at scrape time and kept a minute, since a report resolves every schedule
two weeks ahead."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator

import structlog
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.analytics.readiness import service
from watchkeeper.analytics.readiness.schemas import KINDS
from watchkeeper.catalog.teams.models import Team
from watchkeeper.core.clock import Clock
from watchkeeper.db.session import Database

KEEP_SECONDS = 60.0
NO_TEAM = ""
log = structlog.get_logger(__name__)
Counts = Counter[tuple[str, str]]


class ReadinessMetrics(Collector):
    def __init__(self, database: Database, clock: Clock, keep: float = KEEP_SECONDS) -> None:
        self._database = database
        self._clock = clock
        self._keep = keep
        self._lock = threading.Lock()
        self._cached: tuple[float, Counts] | None = None

    def _count(self, session: Session) -> Counts:
        teams: dict[int, str] = dict(session.execute(select(Team.id, Team.slug)).all())
        found = service.findings(session, now=self._clock.now())
        return Counter((f.kind, teams.get(f.team_id or 0, NO_TEAM)) for f in found)

    def _counts(self) -> Counts:
        with self._lock:
            if self._cached is None or time.monotonic() - self._cached[0] > self._keep:
                counts = self._database.run(self._count, write=False)
                self._cached = (time.monotonic(), counts)
            return self._cached[1]

    def collect(self) -> Iterator[Metric]:
        try:
            counts = self._counts()
        except Exception:  # the database is down: /metrics still answers with the rest
            log.warning("readiness metrics unavailable", exc_info=True)
            return
        findings = GaugeMetricFamily(
            "watchkeeper_readiness_findings",
            "Coverage report findings by kind and owning team (slug; empty: no team).",
            labels=["kind", "team"],
        )
        for kind in KINDS:  # every kind, so an alert rule on "> 0" sees zeros too
            findings.add_metric([kind, NO_TEAM], counts.get((kind, NO_TEAM), 0))
        for (named, team), count in sorted(counts.items()):
            if team != NO_TEAM:
                findings.add_metric([named, team], count)
        yield findings
