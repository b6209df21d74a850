"""`/api/v1/tokens`: shown once, hashed, scoped, revocable."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.factories import Person, bearer
from tests.web.conftest import Snapshot


def test_a_new_token_is_shown_once_and_works(client: TestClient, responder: Person) -> None:
    response = client.post("/api/v1/tokens", json={"name": "laptop"}, headers=bearer(responder))
    assert response.status_code == 201
    created = response.json()
    assert created["token"].startswith("wk_api_")
    assert created["role"] == "responder"
    assert response.headers["location"] == f"/api/v1/tokens/{created['id']}"
    listed = client.get("/api/v1/tokens", headers=bearer(responder)).json()["items"]
    assert all("token" not in item for item in listed)
    assert created["prefix"] in [item["prefix"] for item in listed]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {created['token']}"})
    assert me.json()["login"] == "resp"


def test_a_revoked_token_stops_working(client: TestClient, responder: Person) -> None:
    created = client.post("/api/v1/tokens", json={"name": "x"}, headers=bearer(responder)).json()
    header = {"Authorization": f"Bearer {created['token']}"}
    assert (
        client.delete(f"/api/v1/tokens/{created['id']}", headers=bearer(responder)).status_code
        == 204
    )
    assert client.get("/api/v1/me", headers=header).status_code == 401


def test_a_read_only_token_cannot_mint_tokens_or_write(
    client: TestClient, admin: Person, snapshot: Snapshot
) -> None:
    readonly = client.post(
        "/api/v1/tokens", json={"name": "ro", "role": "viewer"}, headers=bearer(admin)
    ).json()
    header = {"Authorization": f"Bearer {readonly['token']}"}
    before = snapshot()
    assert (
        client.post(
            "/api/v1/tokens", json={"name": "up", "role": "admin"}, headers=header
        ).status_code
        == 403
    )
    assert client.post("/api/v1/teams", json={"name": "t"}, headers=header).status_code == 403
    assert client.patch("/api/v1/me", json={"name": "Hacked"}, headers=header).status_code == 403
    assert snapshot() == before
    assert client.get("/api/v1/users", headers=header).status_code == 200


def test_people_manage_only_their_own_tokens_unless_admin(
    client: TestClient, admin: Person, responder: Person, viewer: Person
) -> None:
    mine = client.post("/api/v1/tokens", json={"name": "m"}, headers=bearer(responder)).json()
    assert (
        client.get(f"/api/v1/tokens?user_id={admin.id}", headers=bearer(responder)).status_code
        == 403
    )
    assert client.delete(f"/api/v1/tokens/{mine['id']}", headers=bearer(viewer)).status_code == 403
    listing = client.get("/api/v1/tokens?all_users=true", headers=bearer(admin)).json()["items"]
    assert {item["user_id"] for item in listing} == {admin.id, responder.id, viewer.id}
    assert client.delete(f"/api/v1/tokens/{mine['id']}", headers=bearer(admin)).status_code == 204


def test_admins_create_tokens_for_others_but_not_above_their_role(
    client: TestClient, admin: Person, viewer: Person
) -> None:
    for_viewer = client.post(
        "/api/v1/tokens", json={"name": "bot", "user_id": viewer.id}, headers=bearer(admin)
    )
    assert for_viewer.status_code == 201
    assert for_viewer.json()["role"] == "viewer"
    too_high = client.post(
        "/api/v1/tokens",
        json={"name": "bot", "user_id": viewer.id, "role": "admin"},
        headers=bearer(admin),
    )
    assert too_high.status_code == 403
