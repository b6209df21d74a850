"""`/api/v1/users` and `/api/v1/me`."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.factories import Person, bearer
from tests.web.conftest import Snapshot


def test_an_admin_creates_a_user_who_gets_a_one_time_password(
    client: TestClient, admin: Person
) -> None:
    response = client.post(
        "/api/v1/users",
        json={"login": "Dana", "name": "Dana Levi", "email": "dana@example.com", "role": "viewer"},
        headers=bearer(admin),
    )
    assert response.status_code == 201, response.text
    created = response.json()
    assert created["login"] == "dana"
    assert created["must_change_password"]
    assert created["initial_password"]
    assert response.headers["location"] == f"/api/v1/users/{created['id']}"
    fetched = client.get(response.headers["location"], headers=bearer(admin)).json()
    assert "initial_password" not in fetched
    assert "password_hash" not in fetched


def test_a_duplicate_login_is_409_and_changes_nothing(
    client: TestClient, admin: Person, snapshot: Snapshot
) -> None:
    before = snapshot()
    response = client.post(
        "/api/v1/users", json={"login": "ROOT", "name": "Again"}, headers=bearer(admin)
    )
    assert response.status_code == 409
    assert response.json()["errors"][0]["location"] == "body.login"
    assert snapshot() == before


def test_unknown_fields_are_refused(client: TestClient, admin: Person) -> None:
    response = client.post(
        "/api/v1/users",
        json={"login": "eve", "name": "Eve", "is_superuser": True},
        headers=bearer(admin),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["location"] == "body.is_superuser"


def test_users_are_listed_in_pages_with_filters_and_sorting(
    client: TestClient, admin: Person, responder: Person, viewer: Person
) -> None:
    first = client.get("/api/v1/users?limit=2&sort=-login", headers=bearer(viewer)).json()
    assert [user["login"] for user in first["items"]] == ["view", "root"]
    second = client.get(
        f"/api/v1/users?limit=2&sort=-login&cursor={first['next_cursor']}", headers=bearer(viewer)
    ).json()
    assert [user["login"] for user in second["items"]] == ["resp"]
    assert second["next_cursor"] is None
    only_admins = client.get("/api/v1/users?role=admin", headers=bearer(viewer)).json()
    assert [user["login"] for user in only_admins["items"]] == ["root"]


def test_an_admin_changes_a_users_role_and_deactivates_them(
    client: TestClient, admin: Person, responder: Person
) -> None:
    response = client.patch(
        f"/api/v1/users/{responder.id}",
        json={"role": "viewer", "is_active": False},
        headers=bearer(admin),
    )
    assert response.status_code == 200
    assert response.json()["role"] == "viewer"
    assert response.json()["is_active"] is False
    assert client.get("/api/v1/me", headers=bearer(responder)).status_code == 401


def test_the_last_admin_cannot_demote_themselves(client: TestClient, admin: Person) -> None:
    response = client.patch(
        f"/api/v1/users/{admin.id}", json={"role": "viewer"}, headers=bearer(admin)
    )
    assert response.status_code == 409
    assert "last active admin" in response.json()["detail"]


def test_anyone_edits_their_own_profile_but_not_their_role(
    client: TestClient, admin: Person, responder: Person
) -> None:
    response = client.patch(
        "/api/v1/me",
        json={"name": "Resp Onder", "time_zone": "Europe/Paris"},
        headers=bearer(responder),
    )
    assert response.status_code == 200
    assert response.json()["time_zone"] == "Europe/Paris"
    assert (
        client.patch("/api/v1/me", json={"role": "admin"}, headers=bearer(responder)).status_code
        == 422
    )
    bad_zone = client.patch(
        "/api/v1/me", json={"time_zone": "Mars/Olympus"}, headers=bearer(responder)
    )
    assert bad_zone.status_code == 422


def test_an_admin_resets_a_password_to_a_one_time_one(
    client: TestClient, admin: Person, responder: Person
) -> None:
    reset = client.post(f"/api/v1/users/{responder.id}/password", json={}, headers=bearer(admin))
    assert reset.status_code == 200
    assert reset.json()["one_time_password"]
    user = client.get(f"/api/v1/users/{responder.id}", headers=bearer(admin)).json()
    assert user["must_change_password"] is True


def test_changing_ones_password_needs_the_current_one(
    client: TestClient, responder: Person
) -> None:
    wrong = client.post(
        "/api/v1/me/password",
        json={"current_password": "nope", "new_password": "a-brand-new-one"},
        headers=bearer(responder),
    )
    assert wrong.status_code == 422
    right = client.post(
        "/api/v1/me/password",
        json={"current_password": "correct-horse-battery", "new_password": "a-brand-new-one"},
        headers=bearer(responder),
    )
    assert right.status_code == 204
