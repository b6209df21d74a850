"""Merging incidents takes their firing alerts along: repeats and resolves follow them."""

from __future__ import annotations

from tests.factories import bearer
from tests.scenarios.harness import Harness


def _alert(key: str, action: str = "trigger") -> dict[str, str]:
    return {"summary": f"{key} is down", "dedup_key": key, "action": action}


def test_after_a_merge_the_duplicates_alert_belongs_to_the_survivor(h: Harness) -> None:
    h.service("web", auto_resolve=True)
    h.post("events", _alert("db"))
    h.post("events", _alert("cache"))
    h.run_engine()
    survivor, duplicate = h.incidents()
    db_alert, cache_alert = h.alerts()
    assert (db_alert.incident_id, cache_alert.incident_id) == (survivor.id, duplicate.id)

    merged = h.client.post(
        f"/api/v1/incidents/{survivor.id}/merge",
        json={"incident_ids": [duplicate.id]},
        headers=bearer(h.admin),
    )
    assert merged.status_code == 200, merged.text
    assert [a.incident_id for a in h.alerts()] == [survivor.id, survivor.id]
    timeline = h.client.get(
        f"/api/v1/incidents/{survivor.id}/timeline", headers=bearer(h.admin)
    ).json()
    assert "alerts_moved" in [entry["kind"] for entry in timeline]

    # The cache alert fires again: a repeat of the same alert, now on the survivor.
    h.post("events", _alert("cache"))
    h.run_engine()
    assert [(a.incident_id, a.count) for a in h.alerts()] == [(survivor.id, 1), (survivor.id, 2)]

    # The db alert resolves while the cache alert still fires: the survivor stays open.
    h.post("events", _alert("db", "resolve"))
    h.run_engine()
    assert h.incidents()[0].status == "triggered"

    h.post("events", _alert("cache", "resolve"))
    h.run_engine()
    survivor, duplicate = h.incidents()
    assert (survivor.status, duplicate.status) == ("resolved", "closed")


def test_resolved_alerts_stay_with_the_duplicate_as_its_history(h: Harness) -> None:
    h.service("web", auto_resolve=False)
    h.post("events", _alert("db"))
    h.post("events", _alert("cache"))
    h.run_engine()
    h.post("events", _alert("cache", "resolve"))
    h.run_engine()
    survivor, duplicate = h.incidents()
    h.client.post(
        f"/api/v1/incidents/{survivor.id}/merge",
        json={"incident_ids": [duplicate.id]},
        headers=bearer(h.admin),
    )
    assert [a.incident_id for a in h.alerts()] == [survivor.id, duplicate.id]
