"""Schedule pages: create, layers and overrides through forms, the timeline, "my shifts"."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from icalendar import Calendar
from sqlalchemy import select
from starlette.testclient import TestClient

from tests.factories import Person, bearer, browser_login
from tests.web.conftest import Snapshot
from watchkeeper.db.session import Database
from watchkeeper.oncall.schedules.models import Layer, Override

LAYER = {
    "name": "Primary rotation",
    "participants": "resp root",
    "rotation": "daily",
    "rotation_length": "1",
    "handoff_time": "09:00",
    "start": "2026-01-12T09:00",
    "restrictions": "",
}


def make_schedule(client: TestClient, admin: Person) -> int:
    response = client.post(
        "/api/v1/schedules",
        json={"name": "Web", "time_zone": "Europe/Berlin"},
        headers=bearer(admin),
    )
    schedule_id: int = response.json()["id"]
    return schedule_id


def test_an_admin_creates_a_schedule_and_a_layer_and_sees_the_timeline(
    client: TestClient, admin: Person, responder: Person, db: Database
) -> None:
    csrf = browser_login(client, admin.login)
    created = client.post(
        "/schedules",
        data={"csrf_token": csrf, "name": "Web", "time_zone": "Europe/Berlin"},
        follow_redirects=False,
    )
    assert created.status_code == 303
    url = created.headers["location"]
    office = "Mon-Fri 09:00-17:00"
    added = client.post(f"{url}/layers", data={"csrf_token": csrf, **LAYER, "restrictions": office})
    assert added.status_code == 200, added.text
    with db.transaction(write=False) as session:
        layer = session.scalars(select(Layer)).one()
        assert layer.restrictions == [{"days": [0, 1, 2, 3, 4], "start": "09:00", "end": "17:00"}]
    page = client.get(url)
    timeline = page.text[page.text.index('data-testid="timeline"') :]
    assert "Primary rotation" in timeline
    assert "Final" in timeline
    assert timeline.count('class="bar') >= 20  # 10 weekdays, on the layer and final rows
    now = page.text[page.text.index('data-testid="on-call-now"') :]
    assert "Root" in now[: now.index("</article>")]  # Thursday 15 January, 10:00 Berlin


def test_the_list_shows_who_is_on_call_now_and_next(
    client: TestClient, admin: Person, responder: Person
) -> None:
    schedule_id = make_schedule(client, admin)
    body = {
        "name": "Days",
        "participants": [responder.id, admin.id],
        "rotation": "daily",
        "start": "2026-01-12T09:00",
    }
    client.post(f"/api/v1/schedules/{schedule_id}/layers", json=body, headers=bearer(admin))
    browser_login(client, responder.login)
    page = client.get("/schedules")
    now = re.search(rf'data-testid="now-{schedule_id}">(.*?)</td>', page.text, re.S)
    following = re.search(rf'data-testid="next-{schedule_id}">(.*?)</td>', page.text, re.S)
    assert now
    assert following
    assert "Root" in now.group(1)
    assert "until 2026-01-16 08:00 UTC" in now.group(1)
    assert "Resp" in following.group(1)


def test_a_responder_adds_and_removes_an_override_in_their_own_zone(
    client: TestClient, admin: Person, responder: Person, db: Database
) -> None:
    schedule_id = make_schedule(client, admin)
    client.patch("/api/v1/me", json={"time_zone": "America/New_York"}, headers=bearer(responder))
    csrf = browser_login(client, responder.login)
    form = {
        "csrf_token": csrf,
        "login": "resp",
        "starts_at": "2026-01-15T18:00",
        "ends_at": "2026-01-15T22:00",
    }
    added = client.post(f"/schedules/{schedule_id}/overrides", data=form)
    assert added.status_code == 200, added.text
    assert "2026-01-15 18:00 EST" in added.text
    with db.transaction(write=False) as session:
        override = session.scalars(select(Override)).one()
        assert override.starts_at.hour == 23  # 18:00 in New York is 23:00 UTC
    removed = client.post(
        f"/schedules/{schedule_id}/overrides/{override.id}/delete", data={"csrf_token": csrf}
    )
    assert "No current or upcoming overrides" in removed.text


def test_bad_layer_forms_say_what_is_wrong_and_change_nothing(
    client: TestClient, admin: Person, snapshot: Snapshot
) -> None:
    schedule_id = make_schedule(client, admin)
    csrf = browser_login(client, admin.login)
    before = snapshot()
    root_layer = {**LAYER, "participants": "root"}
    cases = {
        "no user ghost": {"participants": "root ghost"},
        "unknown day": {"restrictions": "Funday 09:00-17:00"},
        "End must come after start": {"end": "2026-01-01T09:00"},
        "Rotation: must be &#39;daily&#39;, &#39;weekly&#39;, &#39;hours&#39; or &#39;days&#39;": {
            "rotation": "fortnightly"
        },
    }
    for message, change in cases.items():
        page = client.post(
            f"/schedules/{schedule_id}/layers",
            data={"csrf_token": csrf, **root_layer, **change},
        )
        assert page.status_code == 422, message
        assert message in page.text
    assert snapshot() == before


def test_viewers_see_the_schedule_but_no_forms_and_cannot_post(
    client: TestClient, admin: Person, viewer: Person, snapshot: Snapshot
) -> None:
    schedule_id = make_schedule(client, admin)
    csrf = browser_login(client, viewer.login)
    page = client.get(f"/schedules/{schedule_id}")
    assert page.status_code == 200
    assert "Add an override" not in page.text
    assert "Add a layer" not in page.text
    before = snapshot()
    form = {"csrf_token": csrf, "login": "view", "starts_at": "2026-01-15T18:00"}
    refused = client.post(f"/schedules/{schedule_id}/overrides", data=form)
    assert refused.status_code == 403
    assert snapshot() == before


def test_my_shifts_are_on_the_account_page_with_a_calendar_feed(
    client: TestClient, admin: Person, responder: Person
) -> None:
    schedule_id = make_schedule(client, admin)
    body = {
        "name": "Days",
        "participants": [responder.id, admin.id],
        "rotation": "daily",
        "start": "2026-01-12T09:00",
    }
    client.post(f"/api/v1/schedules/{schedule_id}/layers", json=body, headers=bearer(admin))
    csrf = browser_login(client, responder.login)
    page = client.get("/account")
    section = page.text[page.text.index('id="shifts"') : page.text.index('id="tokens"')]
    assert section.count(f'href="/schedules/{schedule_id}"') == 7  # every other day of 14
    assert "2026-01-16 08:00 UTC" in section
    shown = client.post("/account/ical-token", data={"csrf_token": csrf})
    match = re.search(r'data-testid="feed-url">([^<]+)<', shown.text)
    assert match
    feed = client.get(urlsplit(match.group(1)).path)
    assert len(list(Calendar.from_ical(feed.content).walk("VEVENT"))) == 30


def test_an_admin_gets_the_schedule_feed_url_once(client: TestClient, admin: Person) -> None:
    schedule_id = make_schedule(client, admin)
    csrf = browser_login(client, admin.login)
    shown = client.post(f"/schedules/{schedule_id}/ical-token", data={"csrf_token": csrf})
    match = re.search(r'data-testid="feed-url">([^<]+)<', shown.text)
    assert match
    assert client.get(urlsplit(match.group(1)).path).status_code == 200
    assert match.group(1) not in client.get(f"/schedules/{schedule_id}").text


def _warning(page: str, testid: str) -> str | None:
    marker = f'data-testid="{testid}"'
    if marker not in page:
        return None
    rest = page[page.index(marker) :]
    return rest[: rest.index("</article>")]


def test_a_layer_starting_later_today_warns_that_nobody_is_on_call_until_then(
    client: TestClient, admin: Person, responder: Person
) -> None:
    """It is Thursday 15 January, 10:00 in Berlin: a layer from 18:00 leaves a gap."""
    schedule_id = make_schedule(client, admin)
    csrf = browser_login(client, admin.login)
    empty = client.get(f"/schedules/{schedule_id}").text
    everywhere = _warning(empty, "coverage-gaps")
    assert everywhere is not None
    assert "Nobody is on call at any time in the next 14 days" in everywhere
    later = {**LAYER, "start": "2026-01-15T18:00", "handoff_time": "18:00"}
    added = client.post(f"/schedules/{schedule_id}/layers", data={"csrf_token": csrf, **later})
    assert added.status_code == 200, added.text
    for testid in ("coverage-gaps", "layer-gaps"):
        gap = _warning(added.text, testid)
        assert gap is not None, testid
        assert "Nobody is on call for part of the next 14 days" in gap
        assert "from 2026-01-15 09:00 UTC to 2026-01-15 17:00 UTC" in gap


def test_a_schedule_covered_around_the_clock_shows_no_gap_warning(
    client: TestClient, admin: Person, responder: Person
) -> None:
    schedule_id = make_schedule(client, admin)
    csrf = browser_login(client, admin.login)
    client.post(f"/schedules/{schedule_id}/layers", data={"csrf_token": csrf, **LAYER})
    page = client.get(f"/schedules/{schedule_id}").text
    assert _warning(page, "coverage-gaps") is None
    assert _warning(page, "layer-gaps") is None


def test_a_new_layer_starts_now_by_default(client: TestClient, admin: Person) -> None:
    schedule_id = make_schedule(client, admin)
    browser_login(client, admin.login)
    page = client.get(f"/schedules/{schedule_id}").text
    form = page[page.index(f'action="/schedules/{schedule_id}/layers"') :]
    assert 'name="start" type="datetime-local" required value="2026-01-15T10:00"' in form
