"""Dedup is exact under concurrency, and event sequences keep PagerDuty's semantics."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.scenarios.harness import Harness, payload


def test_fifty_identical_concurrent_triggers_make_one_alert_and_one_incident(h: Harness) -> None:
    body = payload("alertmanager_firing.json")
    h.integration("alertmanager")
    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(lambda _: h.post("alertmanager", body).status_code, range(50)))
    assert statuses == [202] * 50
    h.run_engine()
    [alert] = [a for a in h.alerts() if a.status == "firing"]
    assert alert.count == 50
    assert len(h.incidents()) == 1
