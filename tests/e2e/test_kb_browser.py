"""An article written in a real browser: the live preview renders as it is typed (code
highlighted, typed HTML shown as text), then the saved page reads the same."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import first_admin
from tests.e2e.server import ServerProcess

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def test_the_editor_previews_live_and_the_article_reads_the_same(
    server: ServerProcess, page: Page
) -> None:
    first_admin(page, server)
    page.get_by_text("Learning", exact=True).click()
    page.get_by_role("link", name="Knowledge base").click()
    page.get_by_role("button", name="New article").or_(
        page.get_by_role("link", name="New article")
    ).click()
    page.get_by_label("Title").fill("Disk full")
    page.get_by_label("Markdown").fill(
        "Free space first.\n\n```bash\nrm /var/log/*.gz\n```\n\n<b>not bold</b>"
    )
    preview = page.locator("#kb-preview")
    expect(preview.locator("code.language-bash")).to_contain_text("rm /var/log/*.gz")
    expect(preview).to_contain_text("<b>not bold</b>")
    expect(preview.locator("b")).to_have_count(0)
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", name="Disk full")).to_be_visible()
    body = page.get_by_test_id("kb-body")
    expect(body.locator("code.language-bash span").first).to_be_visible()
    expect(body).to_contain_text("<b>not bold</b>")
