"""Who may call the API, and how: bearer tokens, sessions with CSRF, role scopes."""

from __future__ import annotations

from datetime import timedelta

from starlette.testclient import TestClient

from tests.factories import PASSWORD, Person, bearer, browser_login, make_user
from tests.web.conftest import Snapshot
from watchkeeper.core.clock import FrozenClock
from watchkeeper.db.session import Database


def test_a_token_identifies_its_owner(client: TestClient, responder: Person) -> None:
    response = client.get("/api/v1/me", headers=bearer(responder))
    assert response.status_code == 200
    me = response.json()
    assert me["login"] == "resp"
    assert me["effective_role"] == "responder"
    assert me["authenticated_via"] == "token"


def test_a_session_cookie_reads_the_api_but_writes_need_the_csrf_header(
    client: TestClient, admin: Person, snapshot: Snapshot
) -> None:
    csrf = browser_login(client, admin.login)
    assert client.get("/api/v1/me").json()["authenticated_via"] == "session"
    before = snapshot()
    refused = client.post("/api/v1/teams", json={"name": "Ops"})
    assert refused.status_code == 403
    assert "expired" in refused.json()["detail"]
    assert snapshot() == before
    accepted = client.post("/api/v1/teams", json={"name": "Ops"}, headers={"X-CSRF-Token": csrf})
    assert accepted.status_code == 201


def test_lower_roles_are_forbidden_from_admin_work_and_change_nothing(
    client: TestClient, responder: Person, viewer: Person, snapshot: Snapshot
) -> None:
    before = snapshot()
    for person in (responder, viewer):
        response = client.post("/api/v1/teams", json={"name": "X"}, headers=bearer(person))
        assert response.status_code == 403
        assert "admin role" in response.json()["detail"]
    assert snapshot() == before


def test_an_expired_token_is_refused(client: TestClient, admin: Person, clock: FrozenClock) -> None:
    created = client.post(
        "/api/v1/tokens", json={"name": "short", "expires_in_days": 1}, headers=bearer(admin)
    ).json()
    token = {"Authorization": f"Bearer {created['token']}"}
    assert client.get("/api/v1/me", headers=token).status_code == 200
    clock.advance(timedelta(days=1))
    assert client.get("/api/v1/me", headers=token).status_code == 401


def test_using_a_token_records_when_it_was_last_used(
    client: TestClient, admin: Person, clock: FrozenClock
) -> None:
    client.get("/api/v1/me", headers=bearer(admin))
    first = client.get("/api/v1/tokens", headers=bearer(admin)).json()["items"][0]["last_used_at"]
    clock.advance(minutes=5)
    client.get("/api/v1/me", headers=bearer(admin))
    second = client.get("/api/v1/tokens", headers=bearer(admin)).json()["items"][0]["last_used_at"]
    assert first is not None
    assert second > first


def test_a_session_with_a_one_time_password_may_only_change_it(
    client: TestClient, admin: Person, db: Database, clock: FrozenClock
) -> None:
    with db.transaction() as session:
        make_user(session, now=clock.now(), login="fresh", must_change_password=True)
    csrf = browser_login(client, "fresh")
    assert client.get("/api/v1/me").status_code == 200
    refused = client.get("/api/v1/users")
    assert refused.status_code == 403
    assert "choose your own password" in refused.json()["detail"]
    changed = client.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "fresh-and-mine"},
        headers={"X-CSRF-Token": csrf},
    )
    assert changed.status_code == 204
    assert client.get("/api/v1/users").status_code == 200


def test_an_admin_password_reset_ends_the_users_sessions(
    client: TestClient, admin: Person, responder: Person
) -> None:
    browser_login(client, responder.login)
    assert client.get("/api/v1/me").status_code == 200
    api = TestClient(client.app, base_url="http://testserver")
    reset = api.post(f"/api/v1/users/{responder.id}/password", json={}, headers=bearer(admin))
    assert reset.status_code == 200
    assert client.get("/api/v1/me").status_code == 401
