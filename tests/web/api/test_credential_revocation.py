"""Over the API: deactivation and password resets end credentials; a token's heirs are bound."""

from __future__ import annotations

from datetime import timedelta

from starlette.testclient import TestClient

from tests.factories import PASSWORD, Person, bearer
from tests.web.conftest import Snapshot
from watchkeeper.core.clock import FrozenClock


def _token(client: TestClient, person: Person, **body: object) -> dict[str, str]:
    response = client.post("/api/v1/tokens", json={"name": "t", **body}, headers=bearer(person))
    assert response.status_code == 201, response.text
    created: dict[str, str] = response.json()
    return created


def _auth(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def test_a_reactivated_user_finds_their_old_tokens_revoked(
    client: TestClient, admin: Person, responder: Person
) -> None:
    for active in (False, True):
        response = client.patch(
            f"/api/v1/users/{responder.id}", json={"is_active": active}, headers=bearer(admin)
        )
        assert response.status_code == 200
    assert client.get("/api/v1/me", headers=bearer(responder)).status_code == 401
    tokens = client.get(f"/api/v1/tokens?user_id={responder.id}", headers=bearer(admin)).json()
    assert all(item["revoked_at"] for item in tokens["items"])


def test_a_password_reset_revokes_the_users_tokens_when_asked(
    client: TestClient, admin: Person, responder: Person
) -> None:
    path = f"/api/v1/users/{responder.id}/password"
    assert client.post(path, json={}, headers=bearer(admin)).status_code == 200
    assert client.get("/api/v1/me", headers=bearer(responder)).status_code == 200
    reset = client.post(path, json={"revoke_tokens": True}, headers=bearer(admin))
    assert reset.status_code == 200
    assert client.get("/api/v1/me", headers=bearer(responder)).status_code == 401


def test_changing_ones_password_revokes_ones_tokens_when_asked(
    client: TestClient, responder: Person
) -> None:
    other = _token(client, responder)
    body = {"current_password": PASSWORD, "new_password": "a-brand-new-one", "revoke_tokens": True}
    response = client.post("/api/v1/me/password", json=body, headers=bearer(responder))
    assert response.status_code == 204
    assert client.get("/api/v1/me", headers=_auth(other["token"])).status_code == 401
    assert client.get("/api/v1/me", headers=bearer(responder)).status_code == 401


def test_revoking_a_token_revokes_the_tokens_it_made(
    client: TestClient, responder: Person, clock: FrozenClock
) -> None:
    parent = _token(client, responder, expires_in_days=None)
    child = _token(client, Person(responder.id, "", responder.role, parent["token"]))
    assert child["parent_id"] == parent["id"]
    gone = client.delete(f"/api/v1/tokens/{parent['id']}", headers=bearer(responder))
    assert gone.status_code == 204
    assert client.get("/api/v1/me", headers=_auth(child["token"])).status_code == 401


def test_a_token_cannot_mint_a_token_that_outlives_it(
    client: TestClient, responder: Person, clock: FrozenClock, snapshot: Snapshot
) -> None:
    parent = _token(client, responder, expires_in_days=30)
    as_parent = Person(responder.id, "", responder.role, parent["token"])
    before = snapshot()
    for asked in (31, None):
        refused = client.post(
            "/api/v1/tokens",
            json={"name": "heir", "expires_in_days": asked},
            headers=bearer(as_parent),
        )
        assert refused.status_code == 403
        assert "cannot outlive the token that creates it" in refused.json()["detail"]
    assert snapshot() == before
    defaulted = _token(client, as_parent)  # the 90-day default is cut to the parent's 30
    assert defaulted["expires_at"] == parent["expires_at"]
    expected = (clock.now() + timedelta(days=30)).isoformat().replace("+00:00", "Z")
    assert defaulted["expires_at"] == expected
