"""Who may call the API, and how: bearer tokens, sessions with CSRF, role scopes."""

from __future__ import annotations

from datetime import timedelta

from starlette.testclient import TestClient

from tests.factories import Person, bearer, browser_login
from tests.web.conftest import Snapshot
from watchkeeper.core.clock import FrozenClock


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
