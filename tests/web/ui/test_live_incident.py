"""The incident page follows changes made elsewhere, and a stale action says what happened."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from tests.factories import Person, bearer, browser_login
from tests.web.conftest import Snapshot


@pytest.fixture
def incident(client: TestClient, admin: Person) -> int:
    service = client.post("/api/v1/services", json={"name": "Web"}, headers=bearer(admin))
    created = client.post(
        "/api/v1/incidents",
        json={"title": "Disk full", "service_id": service.json()["id"]},
        headers=bearer(admin),
    )
    return int(created.json()["id"])


def _since(html: str) -> str:
    found = re.search(r'data-live="[^"]*since=([^"]+)"', html)
    assert found, html
    return found.group(1)


def test_the_live_header_is_204_until_the_incident_changes(
    client: TestClient, admin: Person, responder: Person, incident: int
) -> None:
    browser_login(client, responder.login)
    since = _since(client.get(f"/incidents/{incident}").text)
    unchanged = client.get(f"/incidents/{incident}/live?since={since}")
    assert unchanged.status_code == 204
    acked = client.post(f"/api/v1/incidents/{incident}/acknowledge", headers=bearer(admin))
    assert acked.status_code == 200, acked.text
    changed = client.get(f"/incidents/{incident}/live?since={since}")
    assert changed.status_code == 200
    assert 'class="badge status-acknowledged"' in changed.text
    assert _since(changed.text) != since


def test_acknowledging_an_incident_acknowledged_elsewhere_says_by_whom_and_when(
    client: TestClient, admin: Person, responder: Person, incident: int, snapshot: Snapshot
) -> None:
    client.post(f"/api/v1/incidents/{incident}/acknowledge", headers=bearer(admin))
    csrf = browser_login(client, responder.login)
    before = snapshot()
    stale = client.post(f"/incidents/{incident}/acknowledge", data={"csrf_token": csrf})
    assert stale.status_code == 409
    assert f"Nothing changed: #{incident} is acknowledged now ({admin.login} acknowledged at " in (
        stale.text
    )
    assert snapshot() == before
