"""Admin pages for users and teams, and the account page's tokens."""

from __future__ import annotations

import re

from sqlalchemy import select
from starlette.testclient import TestClient

from tests.factories import Person, browser_login
from tests.web.conftest import Snapshot
from watchkeeper.catalog.teams.models import Team
from watchkeeper.catalog.users.models import User
from watchkeeper.db.session import Database


def test_an_admin_creates_a_user_and_sees_the_one_time_password(
    client: TestClient, admin: Person, db: Database
) -> None:
    csrf = browser_login(client, admin.login)
    page = client.post(
        "/admin/users",
        data={"csrf_token": csrf, "login": "newcomer", "name": "New Comer", "role": "viewer"},
    )
    assert page.status_code == 200
    match = re.search(r'data-testid="one-time-password">([^<]+)<', page.text)
    assert match, page.text
    with db.transaction(write=False) as session:
        user = session.scalar(select(User).where(User.login == "newcomer"))
    assert user is not None
    assert user.role == "viewer"
    assert user.must_change_password


def test_invalid_user_forms_show_readable_errors_and_create_nothing(
    client: TestClient, admin: Person, snapshot: Snapshot
) -> None:
    csrf = browser_login(client, admin.login)
    before = snapshot()
    page = client.post(
        "/admin/users", data={"csrf_token": csrf, "login": "Not Valid", "name": "", "role": "x"}
    )
    assert page.status_code == 422
    assert "Login:" in page.text
    assert "Role:" in page.text
    duplicate = client.post(
        "/admin/users", data={"csrf_token": csrf, "login": "root", "name": "Root again"}
    )
    assert duplicate.status_code == 422
    assert "is taken" in duplicate.text
    assert snapshot() == before


def test_non_admins_cannot_open_admin_pages(client: TestClient, responder: Person) -> None:
    browser_login(client, responder.login)
    page = client.get("/admin/users")
    assert page.status_code == 403
    assert "admin role" in page.text


def test_an_admin_creates_a_team_and_adds_a_member(
    client: TestClient, admin: Person, responder: Person, db: Database
) -> None:
    csrf = browser_login(client, admin.login)
    created = client.post(
        "/admin/teams", data={"csrf_token": csrf, "name": "Edge Network"}, follow_redirects=False
    )
    assert created.status_code == 303
    team_url = created.headers["location"]
    added = client.post(f"{team_url}/members", data={"csrf_token": csrf, "login": "resp"})
    assert added.status_code == 200
    assert "resp" in added.text
    unknown = client.post(f"{team_url}/members", data={"csrf_token": csrf, "login": "ghost"})
    assert unknown.status_code == 422
    assert "no user" in unknown.text
    with db.transaction(write=False) as session:
        assert session.scalar(select(Team.slug)) == "edge-network"


def test_a_token_made_on_the_account_page_is_shown_once_and_can_be_revoked(
    client: TestClient, responder: Person
) -> None:
    csrf = browser_login(client, responder.login)
    page = client.post(
        "/account/tokens", data={"csrf_token": csrf, "name": "laptop", "lifetime": "never"}
    )
    match = re.search(r'data-testid="new-token">(wk_api_\w+)<', page.text)
    assert match, page.text
    token = match.group(1)
    assert token not in client.get("/account").text
    api = TestClient(client.app, base_url="http://testserver")
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    token_id = re.findall(r"/account/tokens/(\d+)/revoke", page.text)[0]
    client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf})
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
