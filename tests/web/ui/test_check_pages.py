"""The checks pages: a YAML definition typed into the form adds a check (or says what is
wrong), and a check's page shows its status, uptime, latency plot data and failures."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.checkpeers import WebPeer, loopback_settings, web_peer
from tests.factories import browser_login
from tests.scenarios.harness import Harness
from watchkeeper.db.session import Database
from watchkeeper.settings import Settings


@pytest.fixture
def settings(tmp_path: Path, db: Database) -> Settings:
    """The admin allows checks to reach loopback (where the test peers listen)."""
    return loopback_settings(tmp_path, db.engine.url.render_as_string(hide_password=False))


@pytest.fixture
def web() -> Iterator[WebPeer]:
    with web_peer() as peer:
        yield peer


def test_a_bad_definition_is_shown_again_with_what_is_wrong(h: Harness) -> None:
    service_id = h.service("shop")
    csrf = browser_login(h.client, h.admin.login)
    definition = (
        f"kind: http\nname: shop\nservice_id: {service_id}\n"
        "url: https://x.example\ninterval_seconds: 3\n"
    )
    page = h.client.post("/checks", data={"csrf_token": csrf, "definition": definition})
    assert page.status_code == 422
    assert "Interval seconds: must be at least 10" in page.text
    assert "interval_seconds: 3" in page.text  # what was typed stays in the form
    assert "No checks yet." in page.text


def test_a_check_page_shows_status_uptime_plot_and_failures(h: Harness, web: WebPeer) -> None:
    service_id = h.service("shop")
    csrf = browser_login(h.client, h.admin.login)
    definition = (
        f"kind: http\nname: shop health\nservice_id: {service_id}\nurl: {web.url}\n"
        "interval_seconds: 30\nretries: 0\n"
    )
    added = h.client.post(
        "/checks", data={"csrf_token": csrf, "definition": definition}, follow_redirects=False
    )
    assert added.status_code == 303
    page_url = added.headers["location"]
    h.run_engine()
    web.answers(500)
    h.clock.advance(timedelta(seconds=30))
    h.run_engine()
    page = h.client.get(page_url)
    assert page.status_code == 200
    assert '<span class="badge status-triggered">down</span>' in page.text
    assert "HTTP 500, expected 2xx" in page.text
    assert "50.00%" in page.text  # one run of two passed
    data = re.search(r'<script type="application/json" id="latency-data">(.*?)</script>', page.text)
    assert data
    points = json.loads(data.group(1))
    assert [point["ok"] for point in points] == [True, False]
    listing = h.client.get("/checks")
    assert "shop health" in listing.text
    assert "HTTP 500" in listing.text


def test_a_viewer_sees_checks_without_the_add_form(h: Harness) -> None:
    from tests.factories import make_person
    from watchkeeper.catalog.users.roles import Role

    viewer = make_person(h.db, now=h.clock.now(), role=Role.VIEWER, login="vic")
    browser_login(h.client, viewer.login)
    page = h.client.get("/checks")
    assert page.status_code == 200
    assert "Add a check" not in page.text
