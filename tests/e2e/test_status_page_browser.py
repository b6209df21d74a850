"""A status page built in a real browser, then read as a visitor reads it: on a phone,
with JavaScript off, in dark mode."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.e2e.browser import first_admin
from tests.e2e.server import ServerProcess

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
PHONE: ViewportSize = {"width": 390, "height": 844}


def test_an_admin_publishes_an_incident_and_a_phone_reads_it(
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
    expect(page.get_by_role("row", name="Checkout")).to_contain_text("Operational")

    page.get_by_text("New public incident").click()
    form = page.locator("form", has=page.get_by_label("Public title"))
    form.get_by_label("Public title").fill("Checkout errors")
    form.get_by_label("Text (Markdown)").fill("Some payments **fail**; we are on it.")
    form.get_by_label("Checkout", exact=True).check()
    form.get_by_label("Publish now").check()
    form.get_by_role("button", name="Save update").click()
    expect(page.locator("article", has_text="Checkout errors")).to_contain_text("investigating")

    visitor = browser.new_context(viewport=PHONE, java_script_enabled=False, color_scheme="dark")
    phone = visitor.new_page()
    phone.goto(f"{server.url}/status/acme")
    expect(phone.get_by_role("heading", name="Acme Cloud")).to_be_visible()
    expect(phone.get_by_role("status")).to_have_text("Partial System Outage")
    expect(phone.get_by_role("heading", name="Checkout errors")).to_be_visible()
    expect(phone.locator("strong", has_text="fail")).to_be_visible()
    expect(phone.locator("#component-1")).to_contain_text("Partial outage")
    expect(phone.locator("#component-1 rect")).to_have_count(90)
    visitor.close()

    styled = browser.new_context(viewport=PHONE, color_scheme="dark")
    measured = styled.new_page()
    measured.goto(f"{server.url}/status/acme")
    fits = measured.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    background = measured.evaluate("getComputedStyle(document.body).backgroundColor")
    styled.close()
    assert fits
    assert background == "rgb(17, 21, 28)"
