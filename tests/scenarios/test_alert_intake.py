"""Alerts in, incidents out: dedup, grouping, acknowledgement and auto-resolve."""

from __future__ import annotations

import pytest

from tests.scenarios.harness import Harness, payload


def test_a_firing_alertmanager_alert_opens_one_incident_and_its_resolve_closes_it(
    h: Harness,
) -> None:
    response = h.post("alertmanager", "alertmanager_firing.json")
    assert response.status_code == 202, response.text
    h.run_engine()
    [incident] = h.incidents()
    assert incident.source == "alert"
    assert incident.status == "triggered"
    [alert] = h.alerts()
    assert alert.incident_id == incident.id
    h.post("alertmanager", "alertmanager_resolved.json")
    h.run_engine()
    [incident] = h.incidents()
    assert incident.status == "resolved"
    [resolved] = h.alerts()
    assert resolved.status == "resolved"
    assert resolved.details["ends_at"].startswith("2026-")  # what the resolve said is kept


def test_repeated_triggers_bump_the_alert_and_never_open_another_incident(h: Harness) -> None:
    for _ in range(5):
        assert h.post("alertmanager", "alertmanager_firing.json").status_code == 202
    h.run_engine()
    assert len(h.incidents()) == 1
    [alert] = h.alerts()
    assert alert.count == 5


def test_pagerduty_trigger_acknowledge_resolve_by_dedup_key(h: Harness) -> None:
    trigger = h.post("pagerduty", "pagerduty_trigger.json")
    assert trigger.status_code == 202
    assert trigger.json()["status"] == "success"
    dedup_key = trigger.json()["dedup_key"]
    h.run_engine()
    ack = h.post("pagerduty", {**payload("pagerduty_acknowledge.json"), "dedup_key": dedup_key})
    assert ack.status_code == 202
    h.run_engine()
    assert h.incidents()[0].status == "acknowledged"
    h.post("pagerduty", {**payload("pagerduty_resolve.json"), "dedup_key": dedup_key})
    h.run_engine()
    assert h.incidents()[0].status == "resolved"


def test_a_pagerduty_trigger_without_dedup_key_gets_one_back(h: Harness) -> None:
    body = payload("pagerduty_trigger.json")
    body.pop("dedup_key", None)
    response = h.post("pagerduty", body)
    assert response.status_code == 202
    assert len(response.json()["dedup_key"]) >= 16


@pytest.mark.parametrize(
    ("body", "field"),
    [({"version": "4"}, "body.alerts"), ({"alerts": [{"status": "firing"}], "version": "4"}, None)],
)
def test_malformed_alertmanager_payloads_are_400_naming_the_field(
    h: Harness, body: dict[str, object], field: str | None
) -> None:
    response = h.post("alertmanager", body)
    assert response.status_code == 400, response.text
    problem = response.json()
    assert problem["type"] == "/problems/bad-request"
    if field:
        assert problem["errors"][0]["location"].startswith(field)
    h.run_engine()
    assert h.alerts() == []


def test_a_wrong_key_is_404_without_a_hint(h: Harness) -> None:
    h.integration("alertmanager")
    response = h.client.post(
        "/api/v1/integrations/wk_int_nope/alertmanager", json=payload("alertmanager_firing.json")
    )
    assert response.status_code == 404
    grafana_key = h.integration("grafana")
    wrong_kind = h.client.post(
        f"/api/v1/integrations/{grafana_key}/alertmanager", json=payload("alertmanager_firing.json")
    )
    assert wrong_kind.status_code == 404


def test_grouping_by_labels_puts_alerts_in_one_incident(h: Harness) -> None:
    h.service("web", group_by=["alertname"])
    body = payload("alertmanager_grouped.json")
    assert h.post("alertmanager", body).status_code == 202
    h.run_engine()
    firing = [a for a in h.alerts() if a.status == "firing"]
    incident_ids = {a.incident_id for a in firing}
    assert len(incident_ids) == len({a.labels.get("alertname") for a in firing})
