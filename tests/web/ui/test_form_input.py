"""UI forms and filters: bad numbers get a readable error after the role check, never a 500."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.factories import Person, bearer, browser_login
from tests.web.conftest import Snapshot

TOO_LARGE = "3000000000"


@pytest.fixture
def incident(client: TestClient, admin: Person) -> int:
    service = client.post("/api/v1/services", json={"name": "Web"}, headers=bearer(admin))
    created = client.post(
        "/api/v1/incidents",
        json={"title": "Disk full", "service_id": service.json()["id"]},
        headers=bearer(admin),
    )
    return int(created.json()["id"])


def test_a_viewer_posting_a_task_with_a_bad_assignee_is_refused_for_the_role(
    client: TestClient, viewer: Person, incident: int, snapshot: Snapshot
) -> None:
    csrf = browser_login(client, viewer.login)
    before = snapshot()
    response = client.post(
        f"/incidents/{incident}/tasks",
        data={"csrf_token": csrf, "title": "Rotate logs", "assignee_id": "abc"},
    )
    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("assignee", ["abc", TOO_LARGE, "-4"])
def test_a_task_with_a_bad_assignee_shows_a_readable_error_and_adds_nothing(
    client: TestClient, responder: Person, incident: int, snapshot: Snapshot, assignee: str
) -> None:
    csrf = browser_login(client, responder.login)
    before = snapshot()
    response = client.post(
        f"/incidents/{incident}/tasks",
        data={"csrf_token": csrf, "title": "Rotate logs", "assignee_id": assignee},
    )
    assert response.status_code == 422
    assert "Assignee id: " in response.text
    assert snapshot() == before


@pytest.mark.parametrize(("path", "field"), [("merge", "incident_ids"), ("links", "incident_id")])
def test_incident_numbers_too_large_for_the_database_are_a_readable_error(
    client: TestClient, responder: Person, incident: int, snapshot: Snapshot, path: str, field: str
) -> None:
    csrf = browser_login(client, responder.login)
    before = snapshot()
    response = client.post(
        f"/incidents/{incident}/{path}", data={"csrf_token": csrf, field: TOO_LARGE}
    )
    assert response.status_code == 422
    assert "2147483647" in response.text
    assert snapshot() == before


def test_ui_pages_for_ids_too_large_for_the_database_are_404(
    client: TestClient, admin: Person
) -> None:
    browser_login(client, admin.login)
    for path in (
        f"/incidents/{TOO_LARGE}",
        f"/alerts/{2**64}",
        f"/admin/users/{TOO_LARGE}",
        f"/admin/services/{TOO_LARGE}",
    ):
        response = client.get(path)
        assert response.status_code == 404, (path, response.text[:300])


def test_a_list_filter_too_large_for_the_database_is_a_readable_error(
    client: TestClient, admin: Person
) -> None:
    browser_login(client, admin.login)
    for path in (f"/incidents?service_id={TOO_LARGE}", f"/incidents/rows?team_id={2**64}"):
        response = client.get(path)
        assert response.status_code == 422, (path, response.text[:300])
        assert "2147483647" in response.text
