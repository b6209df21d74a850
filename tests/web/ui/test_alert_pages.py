"""Alert and integration pages: integrations show their URL once, alerts their raw payload."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from tests.factories import Person, bearer, browser_login
from tests.scenarios.harness import Harness


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
