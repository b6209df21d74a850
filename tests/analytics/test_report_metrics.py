"""The headline figures at /metrics, read from the database at scrape time."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from tests.analytics.history import at, build
from watchkeeper.core.clock import FrozenClock
from watchkeeper.db.session import Database


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def test_headline_figures_are_metrics(client: TestClient, db: Database, clock: FrozenClock) -> None:
    build(db)
    clock.set(at(3, 14, 12))
    samples = _samples(client.get("/metrics").text)
    # the incident of 15 March is still open (acknowledged)
    assert samples[("watchkeeper_incidents_open", (("priority", "P5"),))] == 1
    assert samples[("watchkeeper_incidents_open", (("priority", "P1"),))] == 0
    # created 8-14 March: the DST incident and the held one on web, the reopened one on db
    assert samples[("watchkeeper_mtta_7d_seconds", (("service", "web"),))] == 2100
    assert samples[("watchkeeper_mttr_7d_seconds", (("service", "web"),))] == 6000
    assert samples[("watchkeeper_mttr_7d_seconds", (("service", "db"),))] == 7200
    key = ("watchkeeper_sla_breaches_total", (("clock", "acknowledge"), ("priority", "P1")))
    assert samples[key] == 1
