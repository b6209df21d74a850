"""Alert and integration pages: integrations show their URL once, alerts their raw payload
and only the links that are safe to follow."""

from __future__ import annotations

import re

from sqlalchemy import update
from starlette.testclient import TestClient

from tests.factories import Person, bearer, browser_login
from tests.scenarios.harness import Harness
from watchkeeper.pipeline.correlate.models import Alert
from watchkeeper.pipeline.ingest.models import ChangeEventRow


def test_adding_an_integration_shows_its_url_and_an_example_once(
    client: TestClient, admin: Person
) -> None:
    service = client.post("/api/v1/services", json={"name": "Web"}, headers=bearer(admin)).json()
    csrf = browser_login(client, admin.login)
    page = client.post(
        f"/admin/services/{service['id']}/integrations",
        data={"csrf_token": csrf, "type": "alertmanager", "name": "prod"},
    )
    assert page.status_code == 200
    url = re.search(r'data-testid="integration-url">([^<]+)<', page.text)
    assert url
    assert url.group(1).endswith("/alertmanager")
    assert "webhook_configs" in page.text
    key = url.group(1).split("/")[-2]
    assert key not in client.get(f"/admin/services/{service['id']}").text


def test_the_alert_page_shows_labels_and_the_raw_payload(h: Harness) -> None:
    h.post("alertmanager", "alertmanager_firing.json")
    h.run_engine()
    [alert] = h.alerts()
    browser_login(h.client, h.admin.login)
    listing = h.client.get("/alerts")
    assert alert.summary in listing.text
    page = h.client.get(f"/alerts/{alert.id}")
    assert "What arrived last" in page.text
    assert "&#34;receiver&#34;" in page.text or "&quot;receiver&quot;" in page.text
    incident = h.client.get(f"/incidents/{alert.incident_id}")
    assert f"/alerts/{alert.id}" in incident.text


UNSAFE = "javascript:alert(document.cookie)"


def test_links_stored_before_ingest_checked_them_are_not_rendered_unless_safe(
    h: Harness,
) -> None:
    h.post("alertmanager", "alertmanager_firing.json")
    h.run_engine()
    [alert] = h.alerts()
    mixed = [
        {"href": UNSAFE, "text": "Runbook"},
        {"href": " JaVa\tScript:alert(1)", "text": "Graph"},
        {"href": "https://runbooks.example.com/ok", "text": "Safe"},
    ]
    now = h.clock.now()
    with h.db.transaction() as session:  # as rows written before the check existed hold
        session.execute(update(Alert).values(links=mixed))
        session.add(
            ChangeEventRow(
                service_id=h.service_ids["web"],
                occurred_at=now,
                received_at=now,
                summary="Deployed checkout v2.14.0",
                source="ci",
                details={},
                links=mixed,
            )
        )
    browser_login(h.client, h.admin.login)
    alert_page = h.client.get(f"/alerts/{alert.id}")
    incident_page = h.client.get(f"/incidents/{alert.incident_id}")
    assert "Deployed checkout v2.14.0" in incident_page.text
    for page in (alert_page, incident_page):
        assert page.status_code == 200
        assert 'href="https://runbooks.example.com/ok"' in page.text
        assert "javascript:" not in page.text.lower()
        assert "alert(1)" not in page.text


def test_a_heartbeats_timing_is_changed_on_the_service_page(h: Harness) -> None:
    h.integration("heartbeat", period_seconds=3600, grace_seconds=300)
    service_id = h.service_ids["web"]
    [row] = h.client.get(
        f"/api/v1/services/{service_id}/integrations", headers=bearer(h.admin)
    ).json()
    csrf = browser_login(h.client, h.admin.login)
    page = h.client.get(f"/admin/services/{service_id}")
    assert "every 60 min (+5 min grace), new" in page.text
    saved = h.client.post(
        f"/admin/services/{service_id}/integrations/{row['id']}/timing",
        data={"csrf_token": csrf, "period_seconds": "86400", "grace_seconds": "1800"},
    )
    assert saved.status_code == 200
    assert "every 1440 min (+30 min grace), new" in saved.text
    refused = h.client.post(
        f"/admin/services/{service_id}/integrations/{row['id']}/timing",
        data={"csrf_token": csrf, "period_seconds": "5"},
    )
    assert "every 1440 min (+30 min grace)" in refused.text
    errors = refused.text[refused.text.index('role="alert"') :]
    assert "Period seconds: must be at least 60" in errors[: errors.index("</article>")]
