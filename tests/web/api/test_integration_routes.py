"""Admin routes under /api/v1/integrations/ are reachable past the intake routes beside them."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts
from starlette.testclient import TestClient
from starlette.types import ASGIApp

from tests.factories import Person, bearer
from tests.scenarios.harness import Harness, payload
from watchkeeper.web.wire import alerts

PREFIX = "/api/v1/integrations/"


def fastapi_app(app: ASGIApp) -> FastAPI:
    inner = getattr(app, "app", app)
    assert isinstance(inner, FastAPI)
    return inner


def admin_routes(app: ASGIApp) -> list[tuple[str, str]]:
    """Every (method, path) under PREFIX except intake, DELETE last (it revokes)."""
    found = [
        (method, route.path)
        for route in iter_route_contexts(fastapi_app(app).routes)
        if route.path and route.path.startswith(PREFIX) and route.endpoint is not alerts.receive
        for method in route.methods or ()
    ]
    return sorted(found, key=lambda item: (item[0] == "DELETE", item))


@pytest.mark.parametrize("stack", ["fast path", "router"])
def test_every_admin_route_under_integrations_reaches_its_handler(
    h: Harness, app: ASGIApp, admin: Person, stack: str
) -> None:
    h.integration("alertmanager")
    listed = h.client.get(
        f"/api/v1/services/{h.service_ids['web']}/integrations", headers=bearer(admin)
    )
    [row] = listed.json()
    # Through the whole app (intake's fast path first), and through FastAPI's router alone.
    client = h.client if stack == "fast path" else TestClient(fastapi_app(app))
    routes = admin_routes(app)
    assert ("POST", "/api/v1/integrations/{integration_id}/rotate") in routes
    for method, template in routes:
        path = template.replace("{integration_id}", str(row["id"]))
        body: dict[str, object] | None = {} if method in ("POST", "PUT", "PATCH") else None
        response = client.request(method, path, json=body, headers=bearer(admin))
        assert 200 <= response.status_code < 300, (method, path, response.text)


def test_a_rotated_key_is_accepted_and_the_old_one_works_in_its_grace(
    h: Harness, admin: Person
) -> None:
    old = h.integration("alertmanager")
    [row] = h.client.get(
        f"/api/v1/services/{h.service_ids['web']}/integrations", headers=bearer(admin)
    ).json()
    response = h.client.post(
        f"/api/v1/integrations/{row['id']}/rotate", json={"grace_hours": 1}, headers=bearer(admin)
    )
    assert response.status_code == 200, response.text
    new = response.json()["key"]
    assert new != old
    assert response.json()["url"].endswith(f"/api/v1/integrations/{new}/alertmanager")
    for key in (new, old):
        sent = h.client.post(
            f"/api/v1/integrations/{key}/alertmanager", json=payload("alertmanager_firing.json")
        )
        assert sent.status_code == 202, sent.text


def test_intake_answers_only_real_key_shapes_and_known_kinds(h: Harness) -> None:
    key = h.integration("generic")
    body = payload("generic_single.json")
    assert h.client.post(f"/api/v1/integrations/{key}/events", json=body).status_code == 202
    for path in (
        f"/api/v1/integrations/{key}/rotate",
        f"/api/v1/integrations/{key}x/events",
        f"/api/v1/integrations/{key[:-1]}/events",
        "/api/v1/integrations/12/events",
    ):
        response = h.client.post(path, json=body)
        assert response.status_code in (401, 404, 422), (path, response.text)
        assert response.status_code != 202
