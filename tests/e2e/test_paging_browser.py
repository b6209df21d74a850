"""An admin sets up paging in a real browser: a policy paging a user, chosen for a service."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import first_admin
from tests.e2e.server import ServerProcess

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_an_admin_creates_a_policy_and_gives_it_to_a_service(
    server: ServerProcess, page: Page
) -> None:
    first_admin(page, server)

    page.get_by_text("Admin", exact=True).click()
    page.get_by_role("link", name="Escalation policies").click()
    page.get_by_text("New policy").click()
    page.get_by_label("Name", exact=True).fill("Night shift")
    page.get_by_label("Level 1: page").select_option(label="admin")
    page.get_by_label("Level 1: wait (minutes)").fill("20")
    page.get_by_role("button", name="Create policy").click()
    expect(page).to_have_url(f"{server.url}/admin/escalation-policies")
    row = page.get_by_role("row", name=re.compile("Night shift"))
    expect(row).to_contain_text("1: admin → 20 min")

    page.goto(f"{server.url}/admin/services")
    page.get_by_text("New service").click()
    page.get_by_label("Name", exact=True).first.fill("Checkout")
    page.get_by_role("button", name="Create service").click()
    page.get_by_role("link", name="Checkout").click()
    page.get_by_label("Escalation policy").select_option(label="Night shift")
    page.get_by_role("button", name="Save policy").click()
    expect(page.get_by_label("Escalation policy").locator("option:checked")).to_have_text(
        "Night shift"
    )

    page.goto(f"{server.url}/admin/escalation-policies")
    expect(page.get_by_role("row", name=re.compile("Night shift"))).to_contain_text("Checkout")
