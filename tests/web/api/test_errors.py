"""Refused requests get the right status, a problem+json body that says why, and change nothing."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.factories import Person, bearer
from tests.web.conftest import Snapshot

PROBLEM = "application/problem+json"


def _is_problem(response: object, status: int) -> dict[str, object]:
    assert getattr(response, "status_code") == status, getattr(response, "text")  # noqa: B009
    assert getattr(response, "headers")["content-type"] == PROBLEM  # noqa: B009
    body = getattr(response, "json")()  # noqa: B009
    assert body["status"] == status
    assert body["type"].startswith("/problems/")
    assert body["title"]
    assert body["detail"]
    return dict(body)


def test_no_credentials_is_401_with_a_bearer_challenge(client: TestClient) -> None:
    response = client.get("/api/v1/me")
    body = _is_problem(response, 401)
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert "Bearer" in str(body["detail"])


def test_a_bad_token_is_401_and_changes_nothing(
    client: TestClient, admin: Person, snapshot: Snapshot
) -> None:
    before = snapshot()
    mistyped = admin.token[:-1] + ("x" if admin.token[-1] != "x" else "y")
    for header in ("Bearer wk_api_nonsense", f"Bearer {mistyped}", "Basic abc"):
        response = client.post(
            "/api/v1/teams", json={"name": "Sneaky"}, headers={"Authorization": header}
        )
        _is_problem(response, 401)
    assert snapshot() == before


def test_an_unknown_route_is_404_problem(client: TestClient, admin: Person) -> None:
    body = _is_problem(client.get("/api/v1/nothing-here", headers=bearer(admin)), 404)
    assert "/api/v1/nothing-here" in str(body["detail"])


def test_a_wrong_method_is_405_problem(client: TestClient, admin: Person) -> None:
    _is_problem(client.put("/api/v1/me", headers=bearer(admin)), 405)


def test_invalid_json_is_400_and_changes_nothing(
    client: TestClient, admin: Person, snapshot: Snapshot
) -> None:
    before = snapshot()
    response = client.post(
        "/api/v1/users",
        content=b'{"login": "x", "name": ',
        headers={**bearer(admin), "content-type": "application/json"},
    )
    body = _is_problem(response, 400)
    assert "not valid JSON" in str(body["detail"])
    assert snapshot() == before


def test_invalid_values_are_422_with_a_pointer_to_each_field(
    client: TestClient, admin: Person, snapshot: Snapshot
) -> None:
    before = snapshot()
    response = client.post(
        "/api/v1/users",
        json={"login": "Bad Login!", "name": "", "role": "king", "password": "short"},
        headers=bearer(admin),
    )
    body = _is_problem(response, 422)
    errors = {item["location"]: item for item in body["errors"]}  # type: ignore[attr-defined]
    assert set(errors) == {"body.login", "body.name", "body.role", "body.password"}
    assert errors["body.login"]["pointer"] == "#/login"
    assert snapshot() == before


def test_bad_query_parameters_are_422(client: TestClient, admin: Person) -> None:
    body = _is_problem(client.get("/api/v1/users?limit=1000", headers=bearer(admin)), 422)
    assert body["errors"][0]["location"] == "query.limit"  # type: ignore[index]
    body = _is_problem(client.get("/api/v1/users?sort=password", headers=bearer(admin)), 422)
    assert "allowed" in body["errors"][0]["detail"]  # type: ignore[index]
    _is_problem(client.get("/api/v1/users?cursor=garbage", headers=bearer(admin)), 422)


def test_problem_types_are_explained_at_their_uri(client: TestClient) -> None:
    page = client.get("/problems/invalid")
    assert page.status_code == 200
    assert "errors" in page.text
    assert client.get("/problems/made-up").status_code == 404


def test_a_body_over_the_limit_is_413_and_changes_nothing(
    client: TestClient, admin: Person, snapshot: Snapshot
) -> None:
    before = snapshot()
    huge = b'{"name": "' + b"x" * 1_100_000 + b'"}'
    response = client.post(
        "/api/v1/teams",
        content=huge,
        headers={**bearer(admin), "content-type": "application/json"},
    )
    body = _is_problem(response, 413)
    assert body["type"] == "/problems/payload-too-large"
    assert snapshot() == before


def test_null_for_a_field_that_needs_a_value_is_422(
    client: TestClient, admin: Person, snapshot: Snapshot
) -> None:
    team = client.post("/api/v1/teams", json={"name": "Ops"}, headers=bearer(admin)).json()
    before = snapshot()
    response = client.patch(
        f"/api/v1/teams/{team['id']}", json={"name": None}, headers=bearer(admin)
    )
    body = _is_problem(response, 422)
    assert body["errors"][0]["location"] == "body.name"  # type: ignore[index]
    assert snapshot() == before


def test_a_streamed_body_over_the_limit_is_refused_too(
    client: TestClient, admin: Person, snapshot: Snapshot
) -> None:
    before = snapshot()
    chunks = iter([b'{"name": "', b"x" * 700_000, b"x" * 700_000, b'"}'])
    response = client.post(
        "/api/v1/teams",
        content=chunks,
        headers={**bearer(admin), "content-type": "application/json"},
    )
    _is_problem(response, 413)
    assert snapshot() == before
