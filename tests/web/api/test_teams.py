"""`/api/v1/teams` and memberships."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.factories import Person, bearer


def test_a_team_is_created_read_changed_and_deleted(
    client: TestClient, admin: Person, responder: Person
) -> None:
    created = client.post(
        "/api/v1/teams",
        json={"name": "Database Ops", "member_ids": [responder.id]},
        headers=bearer(admin),
    )
    assert created.status_code == 201
    team = created.json()
    assert team["slug"] == "database-ops"
    assert team["member_ids"] == [responder.id]
    url = created.headers["location"]
    assert client.get(url, headers=bearer(responder)).json()["name"] == "Database Ops"
    changed = client.patch(url, json={"description": "Postgres on call"}, headers=bearer(admin))
    assert changed.json()["description"] == "Postgres on call"
    assert changed.json()["name"] == "Database Ops"
    assert client.delete(url, headers=bearer(admin)).status_code == 204
    assert client.get(url, headers=bearer(admin)).status_code == 404


def test_members_are_added_and_removed_idempotently(
    client: TestClient, admin: Person, responder: Person, viewer: Person
) -> None:
    team = client.post("/api/v1/teams", json={"name": "SRE"}, headers=bearer(admin)).json()
    members = f"/api/v1/teams/{team['id']}/members"
    for _ in range(2):
        response = client.post(members, json={"user_id": viewer.id}, headers=bearer(admin))
        assert response.json()["member_ids"] == [viewer.id]
    response = client.post(members, json={"user_id": responder.id}, headers=bearer(admin))
    assert sorted(response.json()["member_ids"]) == sorted([viewer.id, responder.id])
    response = client.delete(f"{members}/{viewer.id}", headers=bearer(admin))
    assert response.json()["member_ids"] == [responder.id]
    mine = client.get(f"/api/v1/teams?member_id={responder.id}", headers=bearer(viewer)).json()
    assert [item["slug"] for item in mine["items"]] == ["sre"]


def test_a_duplicate_slug_is_409(client: TestClient, admin: Person) -> None:
    client.post("/api/v1/teams", json={"name": "Network"}, headers=bearer(admin))
    response = client.post("/api/v1/teams", json={"name": "NETWORK"}, headers=bearer(admin))
    assert response.status_code == 409
    assert "network" in response.json()["detail"]


def test_adding_an_unknown_user_is_422(client: TestClient, admin: Person) -> None:
    team = client.post("/api/v1/teams", json={"name": "Ops"}, headers=bearer(admin)).json()
    response = client.post(
        f"/api/v1/teams/{team['id']}/members", json={"user_id": 999}, headers=bearer(admin)
    )
    assert response.status_code == 422
