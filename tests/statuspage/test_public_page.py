"""The public page: server-rendered without script, cached with validators, shown only
to whom its visibility allows, also at its own domain; drafts and internal details stay
off it."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from tests.factories import browser_login
from tests.scenarios.harness import Harness
from tests.statuspage.helpers import Pages
from watchkeeper.core.clock import FrozenClock


def test_the_page_shows_components_with_ninety_daily_bars_and_uptime(
    client: TestClient, pages: Pages, clock: FrozenClock
) -> None:
    page = pages.page(title="Acme Cloud")
    pages.component(page["id"], "API")
    group = pages.call(
        "POST", f"/api/v1/status-pages/{page['id']}/groups", 201, json={"name": "EU"}
    )
    pages.component(page["id"], "Frankfurt", group_id=group["id"])
    clock.advance(hours=3)

    response = client.get("/status/acme")

    assert response.status_code == 200
    html = response.text
    assert "Acme Cloud" in html
    assert "All Systems Operational" in html
    assert html.count("<rect") == 2 * 90
    assert "100.00 % uptime" in html
    assert "<script" not in html
    assert "script-src" not in response.headers["content-security-policy"]
    assert "default-src 'none'" in response.headers["content-security-policy"]


def test_the_stylesheet_has_a_dark_mode_and_fits_a_phone(client: TestClient) -> None:
    css = client.get("/static/status.css").text
    assert "prefers-color-scheme: dark" in css
    assert "max-width" in css


def test_an_unchanged_page_answers_304_to_its_etag_and_date(
    client: TestClient, pages: Pages, h: Harness
) -> None:
    page = pages.page()
    pages.component(page["id"], "API")
    first = client.get("/status/acme")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert first.headers["cache-control"].startswith("public")

    assert client.get("/status/acme", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/status/acme", headers={"If-Modified-Since": modified}).status_code == 304

    pages.component(page["id"], "Website")
    changed = client.get("/status/acme", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag


def test_a_logged_in_page_is_refused_to_anonymous_visitors(
    client: TestClient, pages: Pages
) -> None:
    pages.page(slug="internal", visibility="logged_in")

    anonymous = client.get("/status/internal", follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/login")
    api = client.get("/status/internal/api/v2/status.json", headers={"Accept": "application/json"})
    assert api.status_code == 401

    browser_login(client, "root")
    seen = client.get("/status/internal")
    assert seen.status_code == 200
    assert seen.headers["cache-control"] == "private, no-cache"


def test_a_custom_domain_serves_its_page_at_the_root(client: TestClient, pages: Pages) -> None:
    pages.page(title="Acme Status", custom_domain="status.acme.test")

    root = client.get("/", headers={"Host": "status.acme.test"})
    assert root.status_code == 200
    assert "Acme Status" in root.text
    summary = client.get("/api/v2/summary.json", headers={"Host": "status.acme.test"})
    assert summary.json()["page"]["url"] == "http://status.acme.test"
    # Any other host still gets the application.
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_draft_is_reviewed_before_visitors_see_it(
    client: TestClient, pages: Pages, h: Harness
) -> None:
    web = pages.service("web")
    page = pages.page()
    site = pages.component(page["id"], "Website", service_ids=[web])
    internal = pages.incident(web, impact=1, urgency=1, title="db-7 OOM killed by cgroup")
    draft = pages.public_incident(
        page["id"],
        name="Slow checkout",
        incident_id=internal,
        update={"state": "investigating", "body": "We are looking into slow checkouts."},
    )
    assert draft["state"] == "draft"
    assert draft["affected"] == {}
    assert "Slow checkout" not in client.get("/status/acme").text

    update_id = draft["updates"][0]["id"]
    published = pages.call(
        "POST",
        f"/api/v1/status-pages/{page['id']}/incidents/{draft['id']}/updates/{update_id}/publish",
    )

    assert published["state"] == "investigating"
    # From an internal incident, its service's components at its priority's status.
    assert published["affected"] == {str(site["id"]): "major_outage"}
    html = client.get("/status/acme").text
    assert "Slow checkout" in html
    assert "We are looking into slow checkouts." in html
    assert "db-7" not in html
    assert not re.search(r"#\d+", html)


def test_an_update_from_a_template_fills_its_placeholders(client: TestClient, pages: Pages) -> None:
    page = pages.page(title="Acme")
    api = pages.component(page["id"], "API")
    template = pages.call(
        "POST",
        "/api/v1/status-page-templates",
        201,
        json={
            "name": "Identified",
            "state": "identified",
            "body": "We found the cause of the trouble with {components} on {page}.",
        },
    )
    incident = pages.public_incident(
        page["id"],
        name="API errors",
        update={
            "state": "identified",
            "template_id": template["id"],
            "affected": {str(api["id"]): "partial_outage"},
            "publish": True,
        },
    )
    assert incident["updates"][0]["body"] == "We found the cause of the trouble with API on Acme."
    assert "Partial System Outage" in client.get("/status/acme").text


def test_user_markdown_is_shown_without_raw_html_or_script_links(
    client: TestClient, pages: Pages
) -> None:
    page = pages.page()
    pages.public_incident(
        page["id"],
        name="Errors",
        update={
            "state": "investigating",
            "body": "<img src=x onerror=alert(1)> [see](javascript:alert(1)) **now**",
            "publish": True,
        },
    )
    html = client.get("/status/acme").text
    assert "<img src=x" not in html
    assert 'href="javascript:' not in html
    assert "<strong>now</strong>" in html
