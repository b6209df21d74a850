"""Names, titles and reasons are stripped, and blank ones ("   ") are refused, by every
schema that takes them: the API, the web forms and the CLI share those schemas."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.factories import Person, bearer, browser_login
from tests.web.conftest import Snapshot

BLANK = "  \t "


def _post(client: TestClient, admin: Person, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json=body, headers=bearer(admin))


def _service(client: TestClient, admin: Person) -> int:
    created = _post(client, admin, "/api/v1/services", {"name": "Web"})
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/api/v1/teams", {"name": BLANK}, "name"),
        ("/api/v1/services", {"name": BLANK}, "name"),
        ("/api/v1/categories", {"name": BLANK}, "name"),
        ("/api/v1/schedules", {"name": BLANK, "time_zone": "UTC"}, "name"),
        ("/api/v1/tokens", {"name": BLANK}, "name"),
        ("/api/v1/routing-rules", {"name": BLANK}, "name"),
        (
            "/api/v1/users",
            {"login": "blank", "name": BLANK, "role": "viewer"},
            "name",
        ),
    ],
)
def test_blank_names_are_refused_and_nothing_is_created(
    client: TestClient,
    admin: Person,
    snapshot: Snapshot,
    path: str,
    body: dict[str, Any],
    field: str,
) -> None:
    before = snapshot()
    response = _post(client, admin, path, body)
    assert response.status_code == 422, response.text
    assert [e["location"] for e in response.json()["errors"]] == [f"body.{field}"]
    assert snapshot() == before


def test_a_blank_incident_title_is_refused_and_pages_nobody(
    client: TestClient, admin: Person, snapshot: Snapshot
) -> None:
    service_id = _service(client, admin)
    before = snapshot()
    response = _post(client, admin, "/api/v1/incidents", {"title": BLANK, "service_id": service_id})
    assert response.status_code == 422
    assert response.json()["errors"][0]["location"] == "body.title"
    assert snapshot() == before


def test_blank_integration_and_policy_names_are_refused(
    client: TestClient, admin: Person, snapshot: Snapshot
) -> None:
    service_id = _service(client, admin)
    before = snapshot()
    integration = _post(
        client,
        admin,
        f"/api/v1/services/{service_id}/integrations",
        {"type": "alertmanager", "name": BLANK},
    )
    assert integration.status_code == 422
    assert integration.json()["errors"][0]["location"] == "body.name"
    policy = _post(
        client,
        admin,
        "/api/v1/escalation-policies",
        {"name": BLANK, "levels": [{"targets": [{"type": "user", "id": admin.id}]}]},
    )
    assert policy.status_code == 422
    assert [e["location"] for e in policy.json()["errors"]] == ["body.name"]
    assert snapshot() == before


def test_names_and_titles_are_stored_without_surrounding_whitespace(
    client: TestClient, admin: Person
) -> None:
    team = _post(client, admin, "/api/v1/teams", {"name": "  SRE \n"})
    assert team.status_code == 201, team.text
    assert team.json()["name"] == "SRE"
    service_id = _service(client, admin)
    incident = _post(
        client, admin, "/api/v1/incidents", {"title": "  Disk full  ", "service_id": service_id}
    )
    assert incident.json()["title"] == "Disk full"


def test_the_integration_form_refuses_a_blank_name(
    client: TestClient, admin: Person, snapshot: Snapshot
) -> None:
    service_id = _service(client, admin)
    csrf = browser_login(client, admin.login)
    before = snapshot()
    page = client.post(
        f"/admin/services/{service_id}/integrations",
        data={"csrf_token": csrf, "type": "alertmanager", "name": BLANK},
    )
    assert page.status_code == 422
    assert snapshot() == before
