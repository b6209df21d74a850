"""A team or schedule still in use is not deleted: 409 naming its users, nothing changed."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.factories import Person, bearer, browser_login
from tests.web.conftest import Snapshot


def _post(client: TestClient, admin: Person, path: str, body: dict[str, Any]) -> int:
    response = client.post(f"/api/v1/{path}", json=body, headers=bearer(admin))
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def test_a_team_owning_a_service_and_paged_by_a_policy_is_refused_with_its_users(
    client: TestClient, admin: Person, snapshot: Snapshot
) -> None:
    team = _post(client, admin, "teams", {"name": "SRE"})
    _post(client, admin, "services", {"name": "Web", "owner_team_id": team})
    levels = [{"targets": [{"type": "team", "id": team}]}]
    _post(client, admin, "escalation-policies", {"name": "Primary", "levels": levels})
    before = snapshot()
    refused = client.delete(f"/api/v1/teams/{team}", headers=bearer(admin))
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")
    detail = refused.json()["detail"]
    assert "service Web (owner)" in detail
    assert "escalation policy Primary (level 1)" in detail
    assert snapshot() == before


def test_a_team_nothing_uses_is_deleted(client: TestClient, admin: Person) -> None:
    team = _post(client, admin, "teams", {"name": "Spare"})
    assert client.delete(f"/api/v1/teams/{team}", headers=bearer(admin)).status_code == 204


def test_a_schedule_an_escalation_level_pages_is_refused(
    client: TestClient, admin: Person, snapshot: Snapshot
) -> None:
    schedule = _post(client, admin, "schedules", {"name": "Primary rota", "time_zone": "UTC"})
    target = {"type": "schedule", "id": schedule}
    levels = [{"targets": [target]}, {"targets": [target]}]
    _post(client, admin, "escalation-policies", {"name": "Web", "levels": levels})
    before = snapshot()
    refused = client.delete(f"/api/v1/schedules/{schedule}", headers=bearer(admin))
    assert refused.status_code == 409
    assert (
        "escalation policy Web (level 1), escalation policy Web (level 2)"
        in (refused.json()["detail"])
    )
    assert snapshot() == before


def test_the_team_page_names_its_users_asks_first_and_refuses_with_409(
    client: TestClient, admin: Person, snapshot: Snapshot
) -> None:
    team = _post(client, admin, "teams", {"name": "SRE"})
    _post(client, admin, "schedules", {"name": "Nights", "time_zone": "UTC", "owner_team_id": team})
    csrf = browser_login(client, admin.login)
    page = client.get(f"/admin/teams/{team}")
    assert 'data-testid="used-by">In use by schedule Nights (owner)' in page.text
    assert 'data-confirm="Delete team SRE? It is still used by schedule Nights (owner)."' in (
        page.text
    )
    before = snapshot()
    refused = client.post(f"/admin/teams/{team}/delete", data={"csrf_token": csrf})
    assert refused.status_code == 409
    assert "team SRE is still used by schedule Nights (owner)" in refused.text
    assert snapshot() == before
