"""Numbers too large for the database are refused as input, never a 500 (issue 18, 19).

PostgreSQL's INTEGER columns hold up to 2^31-1 and SQLite's up to 2^63-1; anything the
API accepts must fit, so every integer in a path, a query or a body is bounded.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.factories import Person, bearer
from tests.web.conftest import Snapshot
from watchkeeper.core.ids import MAX_ID

TOO_LARGE = (3_000_000_000, 2**64)
PROBLEM = "application/problem+json"


def _schema(spec: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        node = spec["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def _unbounded(spec: dict[str, Any], node: Any, where: str, seen: set[str]) -> Iterator[str]:
    """Places under `node` where an integer has no bounds the database can hold."""
    if isinstance(node, dict) and "$ref" in node:
        if node["$ref"] in seen:
            return
        seen = seen | {node["$ref"]}
    node = _schema(spec, node)
    if isinstance(node, list):
        for item in node:
            yield from _unbounded(spec, item, where, seen)
        return
    if not isinstance(node, dict):
        return
    if node.get("type") == "integer":
        low, high = node.get("minimum"), node.get("maximum")
        if low is None or high is None or low < -MAX_ID or high > MAX_ID:
            yield where
    for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
        yield from _unbounded(spec, node.get(key, []), where, seen)
    if "items" in node:
        yield from _unbounded(spec, node["items"], f"{where}[]", seen)
    for name, child in node.get("properties", {}).items():
        yield from _unbounded(spec, child, f"{where}.{name}", seen)
    extra = node.get("additionalProperties")
    if isinstance(extra, dict):
        yield from _unbounded(spec, extra, f"{where}.*", seen)


def _operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            yield method.upper(), path, operation


@pytest.fixture
def spec(client: TestClient) -> dict[str, Any]:
    body: dict[str, Any] = client.get("/openapi.json").json()
    return body


def test_every_integer_the_api_accepts_has_bounds_the_database_can_hold(
    spec: dict[str, Any],
) -> None:
    found: list[str] = []
    for method, path, operation in _operations(spec):
        for parameter in operation.get("parameters", []):
            where = f"{method} {path} {parameter['in']}.{parameter['name']}"
            found.extend(_unbounded(spec, parameter.get("schema"), where, set()))
        for media in operation.get("requestBody", {}).get("content", {}).values():
            found.extend(_unbounded(spec, media.get("schema"), f"{method} {path} body", set()))
    assert found == []


def _with_ids(path: str, value: int) -> str:
    return re.sub(r"\{[a-z_]*id\}", str(value), path)


def test_an_id_too_large_for_the_database_in_a_path_is_404(
    client: TestClient, spec: dict[str, Any], admin: Person, snapshot: Snapshot
) -> None:
    before = snapshot()
    tried = 0
    for method, template, operation in _operations(spec):
        if "{" not in _with_ids(template, 1) and "{" in template:
            for value in TOO_LARGE:
                body: dict[str, object] | None = {} if "requestBody" in operation else None
                path = _with_ids(template, value)
                response = client.request(method, path, json=body, headers=bearer(admin))
                tried += 1
                # A body of {} may also be refused; the path alone must never be a 500.
                expected = (404,) if body is None else (404, 422)
                assert response.status_code in expected, (method, path, response.text)
                assert response.headers["content-type"] == PROBLEM
    assert tried > 100
    assert snapshot() == before


def test_incident_lookups_beyond_the_database_are_404_naming_nothing(
    client: TestClient, admin: Person
) -> None:
    for value in (*TOO_LARGE, 0, -1):
        response = client.get(f"/api/v1/incidents/{value}", headers=bearer(admin))
        assert response.status_code == 404, response.text
        assert response.json()["type"] == "/problems/not-found"


def test_a_filter_too_large_for_the_database_is_422_naming_it(
    client: TestClient, spec: dict[str, Any], admin: Person
) -> None:
    tried = 0
    for method, template, operation in _operations(spec):
        if method != "GET" or "{" in template:
            continue
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "query" or "integer" not in str(parameter["schema"]):
                continue
            name = parameter["name"]
            response = client.get(template, params={name: TOO_LARGE[0]}, headers=bearer(admin))
            tried += 1
            assert response.status_code == 422, (template, name, response.text)
            # a required parameter left out may be named too (a search without its words)
            named = [error["location"] for error in response.json()["errors"]]
            assert f"query.{name}" in named, (template, named)
    assert tried >= 10


def test_an_id_too_large_for_the_database_in_a_body_is_422_and_changes_nothing(
    client: TestClient, admin: Person, snapshot: Snapshot
) -> None:
    before = snapshot()
    for value in TOO_LARGE:
        response = client.post(
            "/api/v1/incidents",
            json={"title": "Disk full", "service_id": value},
            headers=bearer(admin),
        )
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["location"] == "body.service_id"
        response = client.post(
            "/api/v1/teams", json={"name": "Ops", "member_ids": [value]}, headers=bearer(admin)
        )
        assert response.status_code == 422, response.text
    assert snapshot() == before
