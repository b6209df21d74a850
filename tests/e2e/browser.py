"""Playwright on Debian's chromium: launch settings and page helpers for UI tests."""

from __future__ import annotations

import os

from playwright.sync_api import Page, expect

from tests.e2e.server import ServerProcess

CHROMIUM = os.environ.get("WATCHKEEPER_TEST_CHROMIUM", "/usr/bin/chromium")
# As root in a container there is no sandbox; background networking would only hit a
# closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ADMIN_PASSWORD = "admin-chosen-password"


def log_in(page: Page, server: ServerProcess, login: str, password: str) -> None:
    page.goto(f"{server.url}/login")
    page.get_by_label("Login").fill(login)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def first_admin(page: Page, server: ServerProcess) -> None:
    """Log in as the first admin and replace the one-time password with ADMIN_PASSWORD."""
    password = server.admin_password
    assert password
    log_in(page, server, "admin", password)
    expect(page).to_have_url(f"{server.url}/account/password")
    page.get_by_label("Current password").fill(password)
    page.get_by_label("New password (at least 10 characters)").fill(ADMIN_PASSWORD)
    page.get_by_label("New password again").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Change password").click()
    expect(page.get_by_text("Password changed")).to_be_visible()
