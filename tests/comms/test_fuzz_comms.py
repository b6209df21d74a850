"""Generated input (schemathesis, from our OpenAPI) to the subscriber and stakeholder
routes: never a server error, always an answer of the documented shape."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.factories import Person, bearer
from tests.web.api.test_fuzz import fuzz


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_no_input_to_the_communication_routes_is_a_server_error(
    client: TestClient, admin: Person
) -> None:
    headers = bearer(admin)
    service = client.post("/api/v1/services", json={"name": "Web"}, headers=headers).json()
    client.post(
        "/api/v1/incidents", json={"title": "Down", "service_id": service["id"]}, headers=headers
    )
    client.post("/api/v1/status-pages", json={"slug": "acme", "title": "Acme"}, headers=headers)

    failures, sent = fuzz(
        client,
        admin,
        wanted=lambda method, path: "stakeholder" in path or "/subscribers" in path,
    )
    assert failures == [], "\n".join(failures)
    assert sent > 100
