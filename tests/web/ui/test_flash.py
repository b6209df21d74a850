"""Post/redirect/get: a successful save redirects, and the next page says what was saved once."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.factories import Person, browser_login


def test_creating_a_team_redirects_and_says_so_once(client: TestClient, admin: Person) -> None:
    csrf = browser_login(client, admin.login)
    posted = client.post(
        "/admin/teams", data={"csrf_token": csrf, "name": "SRE"}, follow_redirects=False
    )
    assert posted.status_code == 303
    page = client.get(posted.headers["location"])
    assert 'data-testid="flash">Team SRE created<' in page.text
    again = client.get(posted.headers["location"])
    assert "Team SRE created" not in again.text


def test_a_refused_save_renders_in_place_without_a_flash(client: TestClient, admin: Person) -> None:
    csrf = browser_login(client, admin.login)
    posted = client.post("/admin/teams", data={"csrf_token": csrf, "name": "  "})
    assert posted.status_code == 422
    assert 'data-testid="flash"' not in posted.text
