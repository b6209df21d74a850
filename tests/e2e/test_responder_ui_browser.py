"""The UI a responder trusts, in a real browser: no sideways scrolling on a phone, no serious
accessibility faults, a live incident header, forms that keep what was typed, keyboard use."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Dialog, Page, ViewportSize, expect

from tests.e2e.browser import ADMIN_PASSWORD, first_admin, log_in
from tests.e2e.server import ServerProcess, start_server

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
PHONE: ViewportSize = {"width": 390, "height": 844}
# Pages people open every day; a page whose ids the seed below gives (1 for each kind).
MAIN_PAGES = (
    "/",
    "/incidents",
    "/incidents/1",
    "/incidents/new",
    "/alerts",
    "/checks",
    "/schedules",
    "/schedules/1",
    "/services",
    "/postmortems",
    "/action-items",
    "/problem-records",
    "/reports",
    "/silences",
    "/maintenance-windows",
    "/routing-rules",
    "/inhibition-rules",
    "/account",
    "/account/notifications",
    "/admin/users",
    "/admin/users/1",
    "/admin/teams",
    "/admin/teams/1",
    "/admin/services",
    "/admin/services/1",
    "/admin/escalation-policies",
    "/admin/escalation-policies/1",
    "/admin/categories",
    "/admin/policy",
    "/admin/audit",
    "/admin/status-pages",
)

# axe-core's findings that matter here: each rule with the first two elements it flagged.
AXE_SERIOUS = """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
    .filter(v => v.impact === "serious" || v.impact === "critical")
    .map(v => v.id + ": " + v.nodes.slice(0, 2).map(n => n.target.join(" ")).join(", "))"""


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, browser: Browser) -> Iterator[ServerProcess]:
    """One server for the module, with a team, a service it owns, a schedule, a policy
    paging the schedule, and an open incident."""
    server = start_server(tmp_path_factory.mktemp("responder-ui") / "data")
    context = browser.new_context()
    page = context.new_page()
    first_admin(page, server)
    team = _api(page, server, "teams", {"name": "SRE"})
    schedule = _api(page, server, "schedules", {"name": "Primary rota", "time_zone": "UTC"})
    levels = [{"targets": [{"type": "schedule", "id": schedule["id"]}]}]
    policy = _api(page, server, "escalation-policies", {"name": "Web on-call", "levels": levels})
    body = {"name": "Checkout", "owner_team_id": team["id"], "escalation_policy_id": policy["id"]}
    service = _api(page, server, "services", body)
    _api(page, server, "incidents", {"title": "Checkout 502s", "service_id": service["id"]})
    context.close()
    yield server
    server.stop()


def _api(page: Page, server: ServerProcess, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """Call the API as the browser's session (its CSRF token in the header)."""
    page.goto(f"{server.url}/account")
    token = page.locator("input[name=csrf_token]").first.get_attribute("value") or ""
    response = page.request.post(
        f"{server.url}/api/v1/{path}", data=body, headers={"X-CSRF-Token": token}
    )
    assert response.ok, response.text()
    result: dict[str, Any] = response.json()
    return result


@pytest.fixture
def admin(browser: Browser, seeded: ServerProcess) -> Iterator[Page]:
    context = browser.new_context()
    page = context.new_page()
    log_in(page, seeded, "admin", ADMIN_PASSWORD)
    expect(page.get_by_role("link", name="Incidents", exact=True)).to_be_visible()
    yield page
    context.close()


@pytest.fixture
def phone(browser: Browser, seeded: ServerProcess) -> Iterator[Page]:
    context: BrowserContext = browser.new_context(viewport=PHONE)
    page = context.new_page()
    log_in(page, seeded, "admin", ADMIN_PASSWORD)
    expect(page.get_by_role("button", name="Menu")).to_be_visible()
    yield page
    context.close()


def test_no_main_page_scrolls_sideways_on_a_390_px_phone(
    phone: Page, seeded: ServerProcess
) -> None:
    wide = []
    for path in MAIN_PAGES:
        phone.goto(f"{seeded.url}{path}")
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            wide.append((path, width))
    assert wide == [], wide


def test_on_a_phone_the_menu_folds_and_the_incident_title_comes_first(
    phone: Page, seeded: ServerProcess
) -> None:
    phone.goto(f"{seeded.url}/incidents")
    expect(phone.get_by_role("link", name="Alerts")).to_be_hidden()
    phone.get_by_role("button", name="Menu").click()
    expect(phone.get_by_role("link", name="Alerts")).to_be_visible()
    phone.keyboard.press("Escape")
    expect(phone.get_by_role("link", name="Alerts")).to_be_hidden()
    title = phone.get_by_role("link", name="Checkout 502s")
    number = phone.get_by_role("link", name="#1", exact=True)
    title_box, number_box = title.bounding_box(), number.bounding_box()
    assert title_box is not None
    assert number_box is not None
    assert title_box["y"] < number_box["y"]  # the title leads its card
    assert title_box["x"] + title_box["width"] <= PHONE["width"]


def test_main_pages_have_no_serious_or_critical_accessibility_violations(
    admin: Page, seeded: ServerProcess
) -> None:
    found: dict[str, list[str]] = {}
    for path in MAIN_PAGES:
        admin.goto(f"{seeded.url}{path}")
        admin.add_script_tag(url="/static/vendor/axe/axe.min.js")
        violations = admin.evaluate(AXE_SERIOUS)
        if violations:
            found[path] = violations
    assert found == {}


def test_the_incident_header_follows_an_acknowledgement_made_elsewhere(
    admin: Page, browser: Browser, seeded: ServerProcess
) -> None:
    admin.goto(f"{seeded.url}/incidents/1")
    expect(admin.locator("#incident-live .badge.status-triggered")).to_be_visible()
    expect(admin.get_by_role("button", name="Acknowledge", exact=True)).to_be_visible()
    other = browser.new_context().new_page()
    log_in(other, seeded, "admin", ADMIN_PASSWORD)
    other.goto(f"{seeded.url}/incidents/1")
    other.get_by_role("button", name="Acknowledge", exact=True).click()
    expect(other.locator(".badge.status-acknowledged").first).to_be_visible()
    other.context.close()
    # No reload: the page's poll brings the new status and takes the stale button away.
    expect(admin.locator("#incident-live .badge.status-acknowledged")).to_be_visible(timeout=15_000)
    expect(admin.get_by_role("button", name="Acknowledge", exact=True)).to_have_count(0)


def test_a_refused_user_form_keeps_what_was_typed_and_focuses_the_bad_field(
    admin: Page, seeded: ServerProcess
) -> None:
    admin.goto(f"{seeded.url}/admin/users")
    admin.get_by_text("New user").click()
    admin.get_by_label("Login").fill("erin")
    admin.get_by_label("Name", exact=True).fill("Erin Example")
    admin.get_by_label("Email").fill("erin@example.com")
    admin.get_by_label("Time zone").fill("Mars/Olympus")
    admin.get_by_label("SRE").check()
    admin.get_by_role("button", name="Create user").click()
    zone = admin.get_by_label("Time zone")
    expect(zone).to_be_focused()
    expect(zone).to_have_attribute("aria-invalid", "true")
    expect(admin.locator("#time_zone-error")).to_be_visible()
    expect(admin.get_by_label("Login")).to_have_value("erin")
    expect(admin.get_by_label("Name", exact=True)).to_have_value("Erin Example")
    expect(admin.get_by_label("Email")).to_have_value("erin@example.com")
    expect(admin.get_by_label("SRE")).to_be_checked()


def test_deleting_a_team_in_use_asks_first_and_is_refused_with_its_users(
    admin: Page, seeded: ServerProcess
) -> None:
    admin.goto(f"{seeded.url}/admin/teams/1")
    asked: list[str] = []

    def decline(dialog: Dialog) -> None:
        asked.append(dialog.message)
        dialog.dismiss()

    admin.once("dialog", decline)
    admin.get_by_role("button", name="Delete this team").click()
    expect(admin).to_have_url(f"{seeded.url}/admin/teams/1")
    assert asked == ["Delete team SRE? It is still used by service Checkout (owner)."]
    admin.once("dialog", lambda dialog: dialog.accept())
    admin.get_by_role("button", name="Delete this team").click()
    expect(admin.get_by_role("alert")).to_contain_text(
        "team SRE is still used by service Checkout (owner)"
    )


def test_the_skip_link_comes_first_and_focus_is_visible(admin: Page, seeded: ServerProcess) -> None:
    admin.goto(f"{seeded.url}/incidents")
    admin.keyboard.press("Tab")
    skip = admin.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline == "solid"
    admin.keyboard.press("Enter")
    expect(admin.locator("main")).to_be_focused()


def test_the_timeline_reads_newest_first_on_request_and_remembers_it(
    admin: Page, seeded: ServerProcess
) -> None:
    admin.goto(f"{seeded.url}/incidents/1")
    admin.get_by_label("Note").fill("Rolled back the deploy")
    admin.get_by_role("button", name="Add note").click()
    entries = admin.locator("#timeline li.entry")
    expect(entries.last).to_contain_text("Rolled back the deploy")
    admin.get_by_role("button", name="Newest first").click()
    expect(admin.get_by_role("button", name="Newest first")).to_have_attribute(
        "aria-pressed", "true"
    )
    admin.reload()
    newest, oldest = entries.last.bounding_box(), entries.first.bounding_box()
    assert newest is not None
    assert oldest is not None
    assert newest["y"] < oldest["y"]
    expect(admin.get_by_role("heading", name="Notifications")).to_be_visible()


def test_a_new_user_starts_in_the_browser_s_zone_with_iana_names_suggested(
    browser: Browser, seeded: ServerProcess
) -> None:
    context = browser.new_context(timezone_id="Europe/Berlin")
    page = context.new_page()
    log_in(page, seeded, "admin", ADMIN_PASSWORD)
    page.goto(f"{seeded.url}/admin/users")
    page.get_by_text("New user").click()
    zone = page.get_by_label("Time zone")
    expect(zone).to_have_value("Europe/Berlin")
    expect(zone).to_have_attribute("list", "time-zones")
    suggested = page.locator("#time-zones option[value='America/New_York']")
    expect(suggested).to_have_count(1)
    context.close()


def test_chosen_escalation_targets_show_as_removable_chips(
    admin: Page, seeded: ServerProcess
) -> None:
    admin.goto(f"{seeded.url}/admin/escalation-policies/1")
    chip = admin.locator("ul.chips button.chip", has_text="Primary rota")
    expect(chip).to_have_count(1)
    chip.click()
    expect(chip).to_have_count(0)
    chosen = admin.locator("select[name='level-0-targets'] option:checked")
    expect(chosen).to_have_count(0)
