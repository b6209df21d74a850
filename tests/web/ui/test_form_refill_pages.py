"""A refused create form comes back with everything typed, the error next to its field."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.factories import Person, bearer, browser_login
from tests.web.conftest import Snapshot


def test_a_user_with_a_bad_time_zone_keeps_login_name_email_and_teams(
    client: TestClient, admin: Person, snapshot: Snapshot
) -> None:
    team = client.post("/api/v1/teams", json={"name": "SRE"}, headers=bearer(admin)).json()
    csrf = browser_login(client, admin.login)
    before = snapshot()
    page = client.post(
        "/admin/users",
        data={
            "csrf_token": csrf,
            "login": "erin",
            "name": "Erin Example",
            "email": "erin@example.com",
            "role": "responder",
            "time_zone": "Mars/Olympus",
            "team_ids": str(team["id"]),
        },
    )
    assert page.status_code == 422
    assert 'value="erin"' in page.text
    assert 'value="Erin Example"' in page.text
    assert 'value="erin@example.com"' in page.text
    assert f'value="{team["id"]}" checked' in page.text
    assert 'value="Mars/Olympus" aria-invalid="true" aria-describedby="time_zone-error"' in (
        page.text
    )
    assert 'id="time_zone-error" class="field-error"' in page.text
    assert snapshot() == before


def test_a_schedule_with_a_blank_name_keeps_its_owner_team_and_zone(
    client: TestClient, admin: Person, snapshot: Snapshot
) -> None:
    team = client.post("/api/v1/teams", json={"name": "SRE"}, headers=bearer(admin)).json()
    csrf = browser_login(client, admin.login)
    before = snapshot()
    page = client.post(
        "/schedules",
        data={
            "csrf_token": csrf,
            "name": "   ",
            "time_zone": "Europe/Berlin",
            "owner_team_id": str(team["id"]),
        },
    )
    assert page.status_code == 422
    assert f'<option value="{team["id"]}" selected>' in page.text
    assert 'value="Europe/Berlin"' in page.text
    assert 'name="name" required maxlength="100" value="   " aria-invalid="true"' in page.text
    assert snapshot() == before
