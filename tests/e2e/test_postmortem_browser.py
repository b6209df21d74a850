"""A postmortem in a real browser: star an entry, start the draft, write it with the live
preview, and print the printable page to PDF with Chromium; the PDF says what it should."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.e2e.browser import first_admin
from tests.e2e.server import ServerProcess

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def _resolved_incident(page: Page, server: ServerProcess) -> None:
    page.goto(f"{server.url}/admin/services")
    page.get_by_text("New service").click()
    page.get_by_label("Name", exact=True).first.fill("Checkout")
    page.get_by_role("button", name="Create service").click()
    expect(page.get_by_role("cell", name=re.compile("^Checkout"))).to_be_visible()
    page.goto(f"{server.url}/incidents")
    page.get_by_role("button", name="Declare incident").click()
    page.get_by_label("Title").fill("Checkout returns 502")
    page.get_by_label("Service").select_option(label="Checkout")
    page.get_by_role("button", name="Declare incident").click()
    expect(page).to_have_url(f"{server.url}/incidents/1")
    page.get_by_label("Note").fill("Deploy 4711 went out at 09:58")
    page.get_by_role("button", name="Add note").click()
    page.get_by_text("Resolve", exact=True).click()
    page.get_by_role("button", name="Resolve incident").click()
    expect(page.locator(".badge.status-resolved")).to_be_visible()


def test_a_postmortem_is_written_with_a_live_preview_and_prints_to_a_clean_pdf(
    server: ServerProcess, page: Page
) -> None:
    first_admin(page, server)
    _resolved_incident(page, server)

    note = page.locator("#timeline li.entry", has_text="Deploy 4711")
    note.get_by_role("button", name=re.compile("^Star entry")).click()
    expect(note.get_by_role("button", name=re.compile("^Unstar entry"))).to_be_visible()

    page.get_by_role("button", name="Start the postmortem").click()
    expect(page).to_have_url(re.compile(r"/postmortems/\d+$"))
    expect(page.locator("#preview")).to_contain_text("★ Deploy 4711 went out at 09:58")

    body = page.get_by_label("Document")
    body.fill(body.input_value() + "\n\n## Root cause\n\nA **cache key** change in deploy 4711.")
    expect(page.locator("#preview strong", has_text="cache key")).to_be_visible()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", name="Postmortem: Checkout returns 502")).to_be_visible()

    printable = page.context.new_page()
    printable.goto(page.url + "/print")
    pdf = printable.pdf(format="A4", print_background=False)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    words = " ".join(text.split())
    for expected in (
        "Postmortem: Checkout returns 502",
        "Key facts",
        "Time to resolve",
        "Deploy 4711 went out at 09:58",
        "Where we got lucky",
        "A cache key change in deploy 4711.",
    ):
        assert expected in words, (expected, words)
    assert "Log out" not in words  # the printable page carries no navigation
