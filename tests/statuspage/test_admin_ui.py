"""The admin pages: a page, a component and a reviewed public incident, all by forms."""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.factories import browser_login
from tests.statuspage.helpers import Pages


def test_an_admin_builds_a_page_and_publishes_a_reviewed_update(
    client: TestClient, pages: Pages
) -> None:
    web = pages.service("Web")
    csrf = browser_login(client, "root")

    created = client.post(
        "/admin/status-pages",
        data={"csrf_token": csrf, "title": "Acme", "slug": "acme", "time_zone": "Europe/Berlin"},
        follow_redirects=False,
    )
    assert created.status_code == 303
    detail = created.headers["location"]
    added = client.post(
        f"{detail}/components",
        data={"csrf_token": csrf, "name": "Checkout", "service_ids": [str(web)]},
        follow_redirects=False,
    )
    assert added.status_code == 303
    assert "Checkout" in client.get(detail).text

    client.post(
        f"{detail}/incidents",
        data={
            "csrf_token": csrf,
            "name": "Checkout errors",
            "state": "investigating",
            "body": "Some payments fail.",
            "affected": ["1"],
            "component_status": "partial_outage",
            "publish": "draft",
        },
    )
    assert "Checkout errors" not in client.get("/status/acme").text
    admin_page = client.get(detail).text
    assert "draft" in admin_page

    publish = admin_page.split('action="')[1:]
    target = next(part.split('"')[0] for part in publish if part.split('"')[0].endswith("/publish"))
    assert client.post(target, data={"csrf_token": csrf}, follow_redirects=False).status_code == 303

    public = client.get("/status/acme").text
    assert "Checkout errors" in public
    assert "Partial outage" in public


def test_a_refused_form_says_why_and_changes_nothing(client: TestClient, pages: Pages) -> None:
    csrf = browser_login(client, "root")
    refused = client.post(
        "/admin/status-pages", data={"csrf_token": csrf, "title": "Acme", "slug": "Not A Slug"}
    )
    assert refused.status_code == 422
    assert "Slug: use lower-case letters" in refused.text
    assert pages.call("GET", "/api/v1/status-pages") == []
