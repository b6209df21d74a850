"""Prometheus metrics of the headline figures (docs/analytics.md), collected at scrape
time from the database and kept for a short while, so a busy scraper costs one set of
queries per interval, not per scrape."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import structlog
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from watchkeeper.analytics.headline import Headline, headline
from watchkeeper.core.clock import Clock
from watchkeeper.db.session import Database

KEEP_SECONDS = 30.0
log = structlog.get_logger(__name__)


class ReportMetrics(Collector):
    def __init__(self, database: Database, clock: Clock, keep: float = KEEP_SECONDS) -> None:
        self._database = database
        self._clock = clock
        self._keep = keep
        self._lock = threading.Lock()
        self._cached: tuple[float, Headline] | None = None

    def _figures(self) -> Headline:
        with self._lock:
            if self._cached is None or time.monotonic() - self._cached[0] > self._keep:
                now = self._clock.now()
                figures = self._database.run(lambda s: headline(s, now), write=False)
                self._cached = (time.monotonic(), figures)
            return self._cached[1]

    def collect(self) -> Iterator[Metric]:
        try:
            figures = self._figures()
        except Exception:  # the database is down: /metrics still answers with the rest
            log.warning("report metrics unavailable", exc_info=True)
            return
        opened = GaugeMetricFamily(
            "watchkeeper_incidents_open", "Open incidents by priority.", labels=["priority"]
        )
        for priority, count in figures.open_by_priority.items():
            opened.add_metric([priority], count)
        yield opened
        mtta = GaugeMetricFamily(
            "watchkeeper_mtta_7d_seconds",
            "Mean time to acknowledge of incidents created in the last 7 days, per service.",
            labels=["service"],
        )
        mttr = GaugeMetricFamily(
            "watchkeeper_mttr_7d_seconds",
            "Mean time to resolve (hold excluded) of incidents created in the last 7 days.",
            labels=["service"],
        )
        for service, (ack, resolve) in figures.last_week.items():
            if ack is not None:
                mtta.add_metric([service], ack)
            if resolve is not None:
                mttr.add_metric([service], resolve)
        yield mtta
        yield mttr
        breaches = CounterMetricFamily(
            "watchkeeper_sla_breaches",
            "Breached SLA clocks of all incidents, by clock and priority.",
            labels=["clock", "priority"],
        )
        for (clock, priority), count in sorted(figures.breaches.items()):
            breaches.add_metric([clock, priority], count)
        yield breaches
        pages = CounterMetricFamily(
            "watchkeeper_pages", "Pages (a person woken for an incident) by user.", labels=["user"]
        )
        for login, count in sorted(figures.pages_by_user.items()):
            pages.add_metric([login], count)
        yield pages
