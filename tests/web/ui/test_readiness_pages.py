"""The readiness page lists findings with their fix links; the simulator's form, also on
a service's and a policy's page, shows who would be paged and refuses bad input plainly."""

from __future__ import annotations

import json

from starlette.testclient import TestClient

from tests.alertmanager import firing
from tests.factories import Person, bearer, browser_login


def _service(client: TestClient, admin: Person, name: str = "Web") -> int:
    created = client.post("/api/v1/services", json={"name": name}, headers=bearer(admin))
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def test_the_readiness_page_lists_a_service_without_policy_with_its_fix_link(
    client: TestClient, admin: Person
) -> None:
    service_id = _service(client, admin)
    browser_login(client, admin.login)

    page = client.get("/readiness")

    assert page.status_code == 200
    assert "Services without a policy" in page.text
    assert f'<a href="/admin/services/{service_id}">Fix</a>' in page.text
    assert 'href="/readiness"' in client.get("/").text  # in the navigation


def test_the_service_page_offers_the_simulator_and_it_answers(
    client: TestClient, admin: Person
) -> None:
    service_id = _service(client, admin)
    csrf = browser_login(client, admin.login)
    assert 'action="/readiness/simulate"' in client.get(f"/admin/services/{service_id}").text

    answer = client.post(
        "/readiness/simulate",
        data={
            "csrf_token": csrf,
            "service_id": str(service_id),
            "at": "2026-03-01T03:00",
            "zone": "Europe/Berlin",
            "type": "alertmanager",
            "payload": json.dumps(firing("DiskFull")),
        },
    )

    assert answer.status_code == 200, answer.text
    assert 'data-testid="simulation"' in answer.text
    assert "its service has no escalation policy" in answer.text
    assert "Nobody would be paged." in answer.text


def test_the_simulator_form_refuses_an_unknown_zone_and_bad_json(
    client: TestClient, admin: Person
) -> None:
    service_id = _service(client, admin)
    csrf = browser_login(client, admin.login)
    form = {"csrf_token": csrf, "service_id": str(service_id)}

    zone = client.post("/readiness/simulate", data={**form, "zone": "Mars/Olympus"})
    payload = client.post(
        "/readiness/simulate", data={**form, "type": "generic", "payload": "{not json"}
    )

    assert zone.status_code == 422
    assert "time zone" in zone.text.lower()
    assert payload.status_code == 422
    assert "Payload: not JSON" in payload.text
    assert 'data-testid="simulation"' not in payload.text


def test_the_policy_page_offers_the_simulator_for_that_policy(
    client: TestClient, admin: Person
) -> None:
    body = {"name": "Ops", "levels": [{"targets": [{"type": "user", "id": admin.id}]}]}
    created = client.post("/api/v1/escalation-policies", json=body, headers=bearer(admin))
    assert created.status_code == 201, created.text
    browser_login(client, admin.login)

    page = client.get(f"/admin/escalation-policies/{created.json()['id']}")

    assert page.status_code == 200
    assert f'name="policy_id" value="{created.json()["id"]}"' in page.text
    assert 'action="/readiness/simulate"' in page.text
