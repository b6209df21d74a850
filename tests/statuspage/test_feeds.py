"""Atom and RSS feeds per page and per component, read back by a real feed parser."""

from __future__ import annotations

import feedparser
import pytest
from starlette.testclient import TestClient

from tests.statuspage.helpers import Pages


@pytest.fixture
def page_with_history(pages: Pages) -> dict[str, int]:
    page = pages.page(title="Acme")
    api = pages.component(page["id"], "API")
    pages.component(page["id"], "Website")
    incident = pages.public_incident(
        page["id"],
        name="API errors",
        update={
            "state": "investigating",
            "body": "Some requests fail.",
            "affected": {str(api["id"]): "partial_outage"},
            "publish": True,
        },
    )
    pages.update(page["id"], incident["id"], state="resolved", body="All good.", publish=True)
    pages.public_incident(
        page["id"], name="Unpublished", update={"state": "investigating", "body": "draft"}
    )
    return {"page": page["id"], "api": api["id"]}


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_the_page_feed_lists_published_incidents(
    client: TestClient, page_with_history: dict[str, int], fmt: str
) -> None:
    response = client.get(f"/status/acme/feed.{fmt}")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(f"application/{fmt}+xml")

    feed = feedparser.parse(response.content)

    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version.startswith(fmt)
    assert feed.feed.title == "Acme status"
    assert [entry.title for entry in feed.entries] == ["API errors"]
    assert "All good." in feed.entries[0].summary
    assert feed.entries[0].link.endswith("/status/acme#incident-1")


@pytest.mark.parametrize("fmt", ["atom", "rss"])
def test_a_component_feed_has_only_what_touched_it(
    client: TestClient, pages: Pages, page_with_history: dict[str, int], fmt: str
) -> None:
    website = pages.call("GET", f"/api/v1/status-pages/{page_with_history['page']}/components")[1]
    api_feed = feedparser.parse(
        client.get(f"/status/acme/components/{page_with_history['api']}/feed.{fmt}").content
    )
    site_feed = feedparser.parse(
        client.get(f"/status/acme/components/{website['id']}/feed.{fmt}").content
    )
    assert not api_feed.bozo
    assert [entry.title for entry in api_feed.entries] == ["API errors"]
    assert api_feed.feed.title == "Acme status: API"
    assert site_feed.entries == []
