"""What priority an alert's incident gets, and how urgently it pages, told as stories:
PagerDuty and Opsgenie users expect critical and error alerts to page at high urgency,
warning and info at low; admins tune it per service and per severity."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.factories import bearer, browser_login
from tests.scenarios.harness import Harness
from tests.scenarios.paging import Paging
from watchkeeper.pipeline.escalation.models import Page


@pytest.fixture
def p(h: Harness) -> Paging:
    return Paging(h)


def _pages(h: Harness) -> list[tuple[int, str]]:
    with h.db.transaction(write=False) as session:
        rows = session.execute(select(Page.incident_id, Page.urgency).order_by(Page.id))
        return [(row[0], row[1]) for row in rows]


def test_a_critical_alertmanager_alert_opens_a_p1_that_pages_at_high_urgency(
    p: Paging, h: Harness
) -> None:
    alice = p.person("alice")
    p.policy(([("user", alice.id)], 5))
    p.alert("DatabaseDown", severity="critical")
    p.alert("ApiErrors", severity="error")
    p.alert("DiskFilling", severity="warning")
    p.alert("Deployed", severity="info")
    p.now()
    assert [(i.impact, i.urgency, i.priority) for i in h.incidents()] == [
        (1, 1, 1),
        (1, 2, 2),
        (1, 3, 3),
        (1, 4, 4),
    ]
    assert _pages(h) == [(1, "high"), (2, "high"), (3, "low"), (4, "low")]
    first = h.incidents()[0]
    assert first.priority_basis == (
        "P1 from severity=critical: impact 1 extensive (service default), "
        "urgency 1 critical (severity critical)"
    )


def test_the_incident_page_and_the_api_say_why_it_got_its_priority(p: Paging, h: Harness) -> None:
    p.alert("DatabaseDown", severity="critical")
    h.run_engine()
    api = h.client.get("/api/v1/incidents/1", headers=bearer(h.admin)).json()
    assert api["priority"] == "P1"
    assert api["priority_basis"].startswith("P1 from severity=critical: impact 1 extensive")
    browser_login(h.client, h.admin.login)
    page = h.client.get("/incidents/1")
    assert "P1 from severity=critical: impact 1 extensive (service default)" in page.text
    assert "pages at high urgency" in page.text


def test_a_service_of_lower_impact_pages_its_critical_alerts_less_urgently(
    p: Paging, h: Harness
) -> None:
    h.service("batch", default_impact=3)
    p.alert("NightlyJobFailed", severity="critical")  # on service web: impact 1
    response = h.post("alertmanager", _firing("ReportLate"), service="batch")
    assert response.status_code == 202, response.text
    h.run_engine()
    web, batch = h.incidents()
    assert (web.impact, web.priority) == (1, 1)
    assert (batch.impact, batch.urgency, batch.priority) == (3, 1, 3)
    assert "impact 3 moderate (service default)" in batch.priority_basis


def test_an_admin_edits_the_severity_table_and_new_incidents_follow_it(
    p: Paging, h: Harness
) -> None:
    table = h.client.get("/api/v1/severity-defaults", headers=bearer(h.admin)).json()
    assert table["is_default"] is True
    assert table["severities"][0] == {"severity": "critical", "impact": None, "urgency": 1}
    rows = [
        {"severity": "critical", "impact": None, "urgency": 1},
        {"severity": "error", "impact": None, "urgency": 1},
        {"severity": "warning", "impact": 4, "urgency": 4},
        {"severity": "info", "impact": 4, "urgency": 4},
    ]
    changed = h.client.put(
        "/api/v1/severity-defaults", json={"severities": rows}, headers=bearer(h.admin)
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["is_default"] is False
    p.alert("ApiErrors", severity="error")
    p.alert("DiskFilling", severity="warning")
    h.run_engine()
    errors, warning = h.incidents()
    assert (errors.urgency, errors.priority) == (1, 1)
    assert (warning.impact, warning.urgency, warning.priority) == (4, 4, 5)
    assert "impact 4 minor (severity warning)" in warning.priority_basis


def test_a_routing_rule_that_sets_urgency_wins_and_says_so(p: Paging, h: Harness) -> None:
    rule = h.client.post(
        "/api/v1/routing-rules",
        json={
            "name": "noisy-disks",
            "matchers": [{"name": "alertname", "value": "DiskFilling"}],
            "set_urgency": 4,
        },
        headers=bearer(h.admin),
    )
    assert rule.status_code == 201, rule.text
    p.alert("DiskFilling", severity="critical")
    h.run_engine()
    [incident] = h.incidents()
    assert (incident.urgency, incident.priority) == (4, 4)
    assert "urgency 4 low (routing rule noisy-disks)" in incident.priority_basis


def test_only_admins_change_the_severity_table_and_it_must_be_complete(
    p: Paging, h: Harness
) -> None:
    alice = p.person("alice")
    one = [{"severity": "critical", "impact": 1, "urgency": 1}]
    refused = h.client.put(
        "/api/v1/severity-defaults", json={"severities": one}, headers=bearer(alice)
    )
    assert refused.status_code == 403
    partial = h.client.put(
        "/api/v1/severity-defaults", json={"severities": one}, headers=bearer(h.admin)
    )
    assert partial.status_code == 422
    reset = h.client.delete("/api/v1/severity-defaults", headers=bearer(h.admin))
    assert reset.json()["is_default"] is True


def _firing(name: str) -> object:
    from tests.alertmanager import firing

    return firing(name, severity="critical")
