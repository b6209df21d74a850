"""Bad input to the status page API: problem+json naming the field, and nothing changed."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import Snapshot
from tests.factories import Person, bearer
from tests.statuspage.helpers import Pages


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ({"slug": "Acme Page", "title": "Acme"}, "slug", "lower-case"),
        ({"slug": "acme", "title": "   "}, "title", "cannot be blank"),
        ({"slug": "acme", "title": "A", "time_zone": "Mars/Base"}, "time_zone", "zone"),
        ({"slug": "acme", "title": "A", "logo_url": "javascript:alert(1)"}, "logo_url", "http"),
        ({"slug": "acme", "title": "A", "custom_domain": "Not a host"}, "custom_domain", "host"),
        ({"slug": "acme", "title": "A", "visibility": "secret"}, "visibility", "must be"),
        (
            {"slug": "acme", "title": "A", "priority_status": {"1": "on_fire"}},
            "priority_status.1",
            "must be",
        ),
    ],
)
def test_a_bad_page_is_refused_field_by_field(
    client: TestClient,
    admin: Person,
    snapshot: Snapshot,
    body: dict[str, Any],
    field: str,
    says: str,
) -> None:
    before = snapshot()
    response = client.post("/api/v1/status-pages", json=body, headers=bearer(admin))
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    errors = {e["pointer"]: e["detail"] for e in response.json()["errors"]}
    assert says in errors["#/" + field.replace(".", "/")]
    assert snapshot() == before


def test_a_second_page_at_the_same_slug_or_domain_conflicts(pages: Pages) -> None:
    pages.page(slug="acme", custom_domain="status.acme.test")
    pages.call("POST", "/api/v1/status-pages", 409, json={"slug": "acme", "title": "B"})
    pages.call(
        "POST",
        "/api/v1/status-pages",
        409,
        json={"slug": "other", "title": "B", "custom_domain": "status.acme.test"},
    )


def test_an_update_naming_another_pages_component_changes_nothing(
    pages: Pages, snapshot: Snapshot
) -> None:
    first, second = pages.page(slug="one"), pages.page(slug="two")
    theirs = pages.component(second["id"], "Theirs")
    before = snapshot()
    pages.call(
        "POST",
        f"/api/v1/status-pages/{first['id']}/incidents",
        422,
        json={
            "name": "x",
            "update": {
                "state": "investigating",
                "body": "y",
                "affected": {str(theirs["id"]): "major_outage"},
            },
        },
    )
    assert snapshot() == before


def test_a_template_with_an_unknown_placeholder_is_refused(pages: Pages) -> None:
    refused = pages.call(
        "POST",
        "/api/v1/status-page-templates",
        422,
        json={"name": "t", "state": "identified", "body": "Fixing {service_owner}"},
    )
    assert "{service_owner}" in refused["detail"]


def test_maintenance_must_end_after_it_starts(pages: Pages, h: Any) -> None:
    page = pages.page()
    api = pages.component(page["id"], "API")
    at = h.clock.now().isoformat()
    pages.call(
        "POST",
        f"/api/v1/status-pages/{page['id']}/maintenance",
        422,
        json={
            "name": "m",
            "scheduled_for": at,
            "scheduled_until": at,
            "component_ids": [api["id"]],
            "body": "b",
        },
    )


def test_unknown_query_parameters_are_refused(pages: Pages) -> None:
    page = pages.page()
    pages.call("GET", f"/api/v1/status-pages/{page['id']}/incidents?state=open", 422)


def test_responders_post_incidents_but_only_admins_change_pages(
    client: TestClient, responder: Person, pages: Pages
) -> None:
    page = pages.page()
    headers = bearer(responder)
    assert (
        client.post(
            f"/api/v1/status-pages/{page['id']}/components", json={"name": "x"}, headers=headers
        ).status_code
        == 403
    )
    created = client.post(
        f"/api/v1/status-pages/{page['id']}/incidents",
        json={"name": "x", "update": {"state": "investigating", "body": "y"}},
        headers=headers,
    )
    assert created.status_code == 201
