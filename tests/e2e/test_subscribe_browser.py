"""A visitor on a phone, JavaScript off, subscribes to a status page by email, choosing a
component, in a real browser against the real server."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.e2e.browser import first_admin
from tests.e2e.server import ServerProcess

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
PHONE: ViewportSize = {"width": 390, "height": 844}


def test_a_phone_subscribes_to_one_component_and_the_admin_sees_it(
    server: ServerProcess, page: Page, browser: Browser
) -> None:
    first_admin(page, server)
    page.get_by_role("link", name="Status pages").click()
    page.get_by_text("New status page").click()
    page.get_by_label("Title").fill("Acme Cloud")
    page.get_by_label("Slug").fill("acme")
    page.get_by_role("button", name="Create page").click()
    page.get_by_text("New component").click()
    page.get_by_label("Component name").fill("Checkout")
    page.get_by_role("button", name="Add component").click()
    expect(page.get_by_role("row", name="Checkout")).to_be_visible()

    visitor = browser.new_context(viewport=PHONE, java_script_enabled=False, color_scheme="dark")
    phone = visitor.new_page()
    phone.goto(f"{server.url}/status/acme")
    phone.get_by_role("link", name="Get updates").click()
    phone.get_by_label("Email").fill("ann@example.com")
    phone.get_by_label("Checkout").check()
    fits = phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.get_by_role("button", name="Subscribe").click()
    expect(phone.get_by_role("heading", name="Check your inbox")).to_be_visible()
    visitor.close()
    assert fits

    page.goto(f"{server.url}/admin/status-pages/1/subscribers")
    row = page.get_by_role("row", name="ann@example.com")
    expect(row).to_contain_text("waiting for confirmation")
    expect(row).to_contain_text("1")
