"""A query parameter a route does not declare is refused with 422 naming it, on every
API route, as an unknown body field is; the declared ones (paging included) pass.

Intake (what monitoring tools and cron lines post) is left alone: a sender's extra
parameter must not lose its event."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.factories import Person, bearer
from tests.web.conftest import Snapshot
from watchkeeper.web.wire import alerts, heartbeats, pagerduty

PROBLEM = "application/problem+json"
UNKNOWN = "unknown query parameter"
INTAKE = {
    (method, getattr(route, "path_format", ""))
    for router in (alerts.router, heartbeats.router, pagerduty.router)
    for route in router.routes
    for method in getattr(route, "methods", ())
}


def _operations(client: TestClient) -> Iterator[tuple[str, str, list[str]]]:
    """Every API operation in the OpenAPI: method, path with ids filled in, query names."""
    spec = client.get("/openapi.json").json()
    for path, item in spec["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in item.items():
            if (method.upper(), path) in INTAKE:
                continue
            params = [*item.get("parameters", []), *operation.get("parameters", [])]
            query = [p["name"] for p in params if p["in"] == "query"]
            yield method.upper(), re.sub(r"\{[^}]+\}", "1", path), query


def _unknown_named(response: Any) -> list[str]:
    if response.status_code != 422:
        return []
    errors = response.json().get("errors", [])
    return [e["location"] for e in errors if e["detail"].startswith(UNKNOWN)]


def test_a_misspelt_filter_is_refused_instead_of_ignored(
    client: TestClient, viewer: Person
) -> None:
    response = client.get("/api/v1/alerts?status=firing", headers=bearer(viewer))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["type"] == "/problems/invalid"
    assert problem["detail"] == "unknown query parameter: status"
    [error] = problem["errors"]
    assert error["location"] == "query.status"
    assert "state" in error["detail"]  # what the route does take
    assert client.get("/api/v1/alerts?state=open", headers=bearer(viewer)).status_code == 200


def test_paging_and_filters_are_still_taken(client: TestClient, viewer: Person) -> None:
    query = "limit=1&sort=-number&status=triggered"
    first = client.get(f"/api/v1/incidents?{query}", headers=bearer(viewer))
    assert first.status_code == 200, first.text
    cursor = client.get("/api/v1/incidents?limit=1&cursor=", headers=bearer(viewer))
    assert _unknown_named(cursor) == []


def test_every_api_route_refuses_an_unknown_query_parameter_and_changes_nothing(
    client: TestClient, admin: Person, snapshot: Snapshot
) -> None:
    before = snapshot()
    checked = 0
    for method, path, _ in _operations(client):
        response = client.request(
            method, path, params={"no_such_parameter": "1"}, headers=bearer(admin)
        )
        assert _unknown_named(response) == ["query.no_such_parameter"], (method, path)
        checked += 1
    assert checked > 80
    assert snapshot() == before


@pytest.mark.parametrize("method", ["GET"])
def test_every_declared_query_parameter_is_accepted(
    client: TestClient, admin: Person, method: str
) -> None:
    for wanted, path, query in _operations(client):
        if wanted != method or not query:
            continue
        response = client.get(path, params=dict.fromkeys(query, "1"), headers=bearer(admin))
        assert _unknown_named(response) == [], (path, response.text)
