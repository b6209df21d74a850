"""Responses that carry secrets tell every cache (browser history, proxies) to keep nothing."""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel
from starlette.testclient import TestClient

from tests.factories import Person, bearer, browser_login
from watchkeeper.web import deps

# Fields that hold a secret in a response, and the models whose field is one by context.
SECRET_FIELDS = {"token", "key", "secret", "initial_password", "one_time_password"}
SECRET_BY_MODEL = {("FeedOut", "url"), ("ContactMethodOut", "address")}


def _no_store(response: Any) -> bool:
    return bool(response.headers.get("cache-control") == "no-store")


@pytest.fixture
def service_id(client: TestClient, admin: Person) -> int:
    response = client.post("/api/v1/services", json={"name": "Web"}, headers=bearer(admin))
    return int(response.json()["id"])


def test_creating_a_token_is_not_cached(client: TestClient, responder: Person) -> None:
    response = client.post("/api/v1/tokens", json={"name": "ci"}, headers=bearer(responder))
    assert response.status_code == 201
    assert _no_store(response)


def test_creating_a_user_and_resetting_a_password_are_not_cached(
    client: TestClient, admin: Person, responder: Person
) -> None:
    created = client.post(
        "/api/v1/users", json={"login": "newbie", "name": "New"}, headers=bearer(admin)
    )
    assert created.status_code == 201
    assert _no_store(created)
    reset = client.post(f"/api/v1/users/{responder.id}/password", json={}, headers=bearer(admin))
    assert reset.status_code == 200
    assert _no_store(reset)


def test_creating_an_integration_is_not_cached(
    client: TestClient, admin: Person, service_id: int
) -> None:
    response = client.post(
        f"/api/v1/services/{service_id}/integrations",
        json={"type": "alertmanager", "name": "prod"},
        headers=bearer(admin),
    )
    assert response.status_code == 201
    assert _no_store(response)


def test_contact_methods_with_their_secrets_are_not_cached(
    client: TestClient, responder: Person
) -> None:
    path = f"/api/v1/users/{responder.id}/contact-methods"
    body = {"kind": "webhook", "address": "https://hooks.example.com/watchkeeper"}
    created = client.post(path, json=body, headers=bearer(responder))
    assert created.status_code == 201, created.text
    assert created.json()["secret"]
    assert _no_store(created)
    listed = client.get(path, headers=bearer(responder))
    assert _no_store(listed)


def test_new_calendar_feed_urls_are_not_cached(client: TestClient, responder: Person) -> None:
    response = client.post(f"/api/v1/users/{responder.id}/ical-token", headers=bearer(responder))
    assert response.status_code == 200, response.text
    assert _no_store(response)


def test_the_account_and_password_pages_are_not_cached(
    client: TestClient, responder: Person
) -> None:
    assert _no_store(client.get("/login"))
    csrf = browser_login(client, responder.login)
    assert _no_store(client.get("/account"))
    assert _no_store(client.get("/account/password"))
    assert _no_store(client.get("/account/notifications"))
    token = client.post("/account/tokens", data={"csrf_token": csrf, "name": "laptop"})
    assert token.status_code == 200
    assert "wk_api_" in token.text
    assert _no_store(token)
    feed = client.post("/account/ical-token", data={"csrf_token": csrf})
    assert _no_store(feed)


def test_admin_pages_that_show_a_password_or_key_once_are_not_cached(
    client: TestClient, admin: Person, responder: Person, service_id: int
) -> None:
    csrf = browser_login(client, admin.login)
    created = client.post(
        "/admin/users", data={"csrf_token": csrf, "login": "newbie", "name": "New"}
    )
    assert 'data-testid="one-time-password"' in created.text
    assert _no_store(created)
    reset = client.post(f"/admin/users/{responder.id}/password", data={"csrf_token": csrf})
    assert _no_store(reset)
    page = client.post(
        f"/admin/services/{service_id}/integrations",
        data={"csrf_token": csrf, "type": "alertmanager", "name": "prod"},
    )
    assert 'data-testid="integration-url"' in page.text
    assert _no_store(page)
    integration_id = re.search(r"/integrations/(\d+)/rotate", page.text)
    assert integration_id
    rotated = client.post(
        f"/admin/services/{service_id}/integrations/{integration_id.group(1)}/rotate",
        data={"csrf_token": csrf},
    )
    assert 'data-testid="integration-url"' in rotated.text
    assert _no_store(rotated)


def test_a_new_schedule_feed_url_page_is_not_cached(client: TestClient, admin: Person) -> None:
    schedule = client.post(
        "/api/v1/schedules", json={"name": "Ops", "time_zone": "UTC"}, headers=bearer(admin)
    ).json()
    csrf = browser_login(client, admin.login)
    page = client.post(f"/schedules/{schedule['id']}/ical-token", data={"csrf_token": csrf})
    assert 'data-testid="feed-url"' in page.text
    assert _no_store(page)


def test_ordinary_responses_may_be_cached(client: TestClient, responder: Person) -> None:
    assert not _no_store(client.get("/api/v1/me", headers=bearer(responder)))
    assert not _no_store(client.get("/api/v1/teams", headers=bearer(responder)))


def _models(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
        if annotation.__pydantic_generic_metadata__["args"]:
            for arg in annotation.__pydantic_generic_metadata__["args"]:
                yield from _models(arg)
    elif isinstance(annotation, types.GenericAlias | types.UnionType) or typing.get_args(
        annotation
    ):
        for arg in typing.get_args(annotation):
            yield from _models(arg)


def _carries_a_secret(response_model: Any) -> bool:
    for model in _models(response_model):
        for name in model.model_fields:
            if name in SECRET_FIELDS:
                return True
            if any((base.__name__, name) in SECRET_BY_MODEL for base in model.__mro__):
                return True
    return False


def _depends_on_no_store(dependant: Dependant | None) -> bool:
    return dependant is not None and any(
        sub.call is deps.mark_no_store or _depends_on_no_store(sub)
        for sub in dependant.dependencies
    )


def test_every_api_route_that_returns_a_secret_is_marked_no_store(client: TestClient) -> None:
    fastapi_app = getattr(client.app, "app", None)  # inside the intake fast path
    assert isinstance(fastapi_app, FastAPI)
    secret_routes = [
        route
        for route in iter_route_contexts(fastapi_app.routes)
        if isinstance(route.original_route, APIRoute) and _carries_a_secret(route.response_model)
    ]
    assert {route.path for route in secret_routes} >= {
        "/api/v1/tokens",
        "/api/v1/users",
        "/api/v1/users/{user_id}/password",
        "/api/v1/services/{service_id}/integrations",
        "/api/v1/integrations/{integration_id}/rotate",
        "/api/v1/users/{user_id}/contact-methods",
        "/api/v1/users/{user_id}/ical-token",
        "/api/v1/schedules/{schedule_id}/ical-token",
    }
    unmarked = [
        f"{sorted(route.methods or ())} {route.path}"
        for route in secret_routes
        if not _depends_on_no_store(route.dependant)
    ]
    assert unmarked == []
