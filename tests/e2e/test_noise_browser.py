"""A responder's first silence in a real browser: found from the nav, created, listed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import first_admin
from tests.e2e.server import ServerProcess

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_the_first_admin_creates_a_silence_and_sees_it_active(
    server: ServerProcess, page: Page
) -> None:
    first_admin(page, server)

    page.get_by_text("Noise", exact=True).click()
    page.get_by_role("link", name="Silences").click()
    expect(page).to_have_url(f"{server.url}/silences")
    expect(page.get_by_text("No active or pending silences.")).to_be_visible()
    page.get_by_text("New silence").click()
    page.get_by_label("Matchers").fill('alertname="DiskFull"\ninstance=~"db-1.*"')
    page.get_by_label("Lasts").fill("90m")
    page.get_by_label("Comment").fill("replacing the disk on db-1")
    page.get_by_role("button", name="Create silence").click()

    row = page.get_by_role("row", name=re.compile("replacing the disk on db-1"))
    expect(row).to_contain_text("active")
    expect(row).to_contain_text('alertname="DiskFull"')
    expect(row).to_contain_text('instance=~"db-1.*"')
    expect(row).to_contain_text("admin")
    expect(row.get_by_role("button", name="Expire now")).to_be_visible()
