"""The report pages in a real browser: plots drawn by Chart.js under the CSP, filters in
the URL, and a phone-width page that does not scroll sideways."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import first_admin
from tests.e2e.server import ServerProcess

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_reports_draw_their_plots_and_fit_a_phone(server: ServerProcess, page: Page) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    first_admin(page, server)

    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Are we getting better?")).to_be_visible()
    page.get_by_label("Range").select_option("7d")
    page.get_by_label("Group by").select_option("priority")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"/reports\?since=7d&start=&end=&by=priority"))
    assert page.evaluate("[...document.querySelectorAll('canvas')].every(c => c.chart)")

    page.set_viewport_size({"width": 390, "height": 844})
    for path in ("/reports", "/reports/sla", "/reports/noise", "/reports/load"):
        page.goto(f"{server.url}{path}?since=30d")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    assert errors == [], errors
