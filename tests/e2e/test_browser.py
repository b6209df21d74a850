"""A real browser (Debian's chromium through Playwright) against the real server."""

from __future__ import annotations

import httpx2
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import first_admin
from tests.e2e.server import ServerProcess

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_first_admin_creates_a_user_and_a_token_then_logs_out(
    server: ServerProcess, page: Page
) -> None:
    first_admin(page, server)

    page.get_by_text("Admin", exact=True).click()
    page.get_by_role("link", name="Users").click()
    page.get_by_text("New user").click()
    page.get_by_label("Login").fill("alice")
    page.get_by_label("Name", exact=True).fill("Alice Martin")
    page.get_by_role("button", name="Create user").click()
    expect(page.get_by_test_id("one-time-password")).to_be_visible()
    expect(page.get_by_role("link", name="alice")).to_be_visible()

    page.get_by_role("link", name="Account").click()
    page.get_by_placeholder("e.g. ci-deploy").fill("browser-made")
    page.get_by_role("button", name="Create token").click()
    token = page.get_by_test_id("new-token").inner_text().strip()
    assert token.startswith("wk_api_")

    session_cookie = next(c for c in page.context.cookies() if c["name"] == "wk_session")
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{server.url}/login")

    with httpx2.Client(base_url=server.url) as api:
        by_token = api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
        assert by_token.status_code == 200
        assert by_token.json()["login"] == "admin"
        users = api.get("/api/v1/users", headers={"Authorization": f"Bearer {token}"}).json()
        assert "alice" in [user["login"] for user in users["items"]]
        api.cookies.set("wk_session", session_cookie["value"])
        assert api.get("/api/v1/me").status_code == 401

    page.goto(f"{server.url}/")
    expect(page).to_have_url(f"{server.url}/login?next=%2F")
