"""Schemathesis on the status page routes, seeded so generated ids find rows: no input
may produce a server error."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.factories import Person
from tests.statuspage.helpers import Pages
from tests.web.api.test_fuzz import fuzz


def test_no_input_to_the_status_page_api_is_a_server_error(
    client: TestClient, admin: Person, pages: Pages
) -> None:
    web = pages.service("Web")
    page = pages.page()
    api = pages.component(page["id"], "API", service_ids=[web])
    pages.public_incident(
        page["id"],
        name="Errors",
        update={
            "state": "investigating",
            "body": "x",
            "affected": {str(api["id"]): "major_outage"},
        },
    )
    pages.call(
        "POST",
        "/api/v1/status-page-templates",
        201,
        json={"name": "t", "state": "identified", "body": "On {page}"},
    )

    failures, sent = fuzz(
        client,
        admin,
        wanted=lambda method, path: path.startswith("/api/v1/status-page") and method != "DELETE",
    )

    assert failures == []
    assert sent > 100
