"""Declare, work and close an incident in a real browser; another browser sees it live."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.browser import ADMIN_PASSWORD, first_admin, log_in
from tests.e2e.server import ServerProcess

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
TITLE = "Checkout returns 502 for EU customers"


def _create_service(page: Page, server: ServerProcess) -> None:
    page.goto(f"{server.url}/admin/services")
    page.get_by_text("New service").click()
    page.get_by_label("Name", exact=True).first.fill("Checkout")
    page.get_by_role("button", name="Create service").click()
    expect(page.get_by_role("cell", name=re.compile("^Checkout"))).to_be_visible()


def test_an_incident_from_declaration_to_closure(
    server: ServerProcess, page: Page, browser: Browser
) -> None:
    first_admin(page, server)
    _create_service(page, server)

    watcher = browser.new_context().new_page()
    log_in(watcher, server, "admin", ADMIN_PASSWORD)
    watcher.goto(f"{server.url}/incidents")
    expect(watcher.get_by_text("No incidents match.")).to_be_visible()

    page.goto(f"{server.url}/incidents")
    page.get_by_role("button", name="Declare incident").click()
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Service").select_option(label="Checkout")
    page.get_by_label("Impact", exact=False).first.select_option("1")
    page.get_by_label("Urgency").select_option("2")
    page.get_by_role("button", name="Declare incident").click()
    expect(page).to_have_url(f"{server.url}/incidents/1")
    expect(page.get_by_role("heading", name=f"#1 {TITLE}")).to_be_visible()
    expect(page.locator(".badge.priority-p2")).to_have_text("P2")

    # The other browser's list shows the new incident without a reload (polling).
    expect(watcher.get_by_role("link", name=TITLE)).to_be_visible(timeout=15_000)

    page.get_by_role("button", name="Acknowledge").click()
    expect(page.locator(".badge.status-acknowledged")).to_be_visible()
    page.get_by_label("Note").fill("Rolling back **deploy 4711**")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator(".note strong")).to_have_text("deploy 4711")
    page.get_by_label("New task").fill("Roll back deploy 4711")
    page.get_by_role("button", name="Add task").click()
    page.get_by_role("button", name="Check Roll back deploy 4711").click()
    expect(page.locator("span.done")).to_have_text("Roll back deploy 4711")

    page.get_by_text("Resolve", exact=True).click()
    page.get_by_label("What fixed it").fill("rolled back")
    page.get_by_role("button", name="Resolve incident").click()
    expect(page.locator(".badge.status-resolved")).to_be_visible()

    page.get_by_text("Close", exact=True).click()
    page.get_by_role("button", name="Close incident").click()  # P2 needs a code and notes
    expect(page.get_by_role("alert")).to_contain_text("needs a resolution code")
    page.get_by_label("Resolution code").select_option("fixed")
    page.get_by_label("Resolution notes").fill("A bad config in deploy 4711.")
    page.get_by_role("button", name="Close incident").click()
    expect(page.locator(".badge.status-closed")).to_be_visible()

    timeline = page.locator("#timeline li.entry").all_inner_texts()
    steps = [
        "declared #1 (P2)",
        "acknowledged",
        "Rolling back",
        "added the task",
        "checked 'Roll back deploy 4711'",
        "resolved it: rolled back",
        "closed it (fixed)",
    ]
    assert len(timeline) == len(steps), timeline
    for entry, step in zip(timeline, steps, strict=True):
        assert step in entry, (step, entry)
    # The other browser's list shows open incidents: the closed one leaves it, live.
    expect(watcher.get_by_role("link", name=TITLE)).to_have_count(0, timeout=15_000)
    expect(watcher.get_by_text("No incidents match.")).to_be_visible()
    watcher.context.close()
