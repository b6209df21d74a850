"""The weekly digest, told as a story: Alice in Berlin asks for it; on Monday at 09:00 her
time it tells her last week's incident, how fast it was acknowledged, the noisiest alert
and her action item due; it comes once a week, and stops when she opts out. Bob, who
never asked, gets nothing."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from tests.factories import bearer, browser_login
from tests.scenarios.harness import Harness
from tests.scenarios.paging import Paging
from watchkeeper.analytics.digest import cycle

DIGEST = "/api/v1/me/weekly-digest"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def p(h: Harness) -> Paging:
    return Paging(h)


def _digests(p: Paging) -> list[tuple[str, str, str]]:
    p.h.run_engine()
    return [
        (p.addresses[s.address], s.message.subject, s.message.text)
        for s in p.h.channel.take()
        if "Weekly digest" in s.message.subject
    ]


def test_a_monday_digest_in_her_own_zone_once_a_week_until_she_opts_out(p: Paging) -> None:
    alice = p.person("alice")
    p.person("bob")
    assert p.h.client.patch(
        "/api/v1/me", json={"time_zone": "Europe/Berlin"}, headers=bearer(alice)
    ).is_success
    chosen = p.h.client.put(DIGEST, json={"enabled": True}, headers=bearer(alice))
    assert chosen.json() == {"enabled": True, "last_week": None}
    service = p.h.service("web")
    incident = p.h.client.post(
        "/api/v1/incidents",
        json={"title": "Checkout slow", "service_id": service},
        headers=bearer(alice),
    ).json()
    p.h.clock.advance(minutes=4)
    p.h.client.post(f"/api/v1/incidents/{incident['number']}/acknowledge", headers=bearer(alice))
    p.h.client.post(
        "/api/v1/action-items",
        json={"title": "Add a cache alert", "owner_id": alice.id, "due_on": "2026-01-21"},
        headers=bearer(alice),
    )

    # Thursday 15 January 09:04 UTC; Monday 19th 08:30 in Berlin is 07:30 UTC
    p.h.clock.advance(timedelta(days=3, hours=22, minutes=26))
    assert _digests(p) == []
    p.h.clock.advance(minutes=40)  # 09:10 in Berlin
    [(to, subject, body)] = _digests(p)  # Bob never asked: one digest only
    assert to == "alice"
    assert subject == "[Watchkeeper] Weekly digest: 1 incident, MTTA 4 min"
    assert "Week of Mon 12 Jan to Sun 18 Jan 2026 (Europe/Berlin)" in body
    assert "MTTA: 4 min (no week before to compare)" in body
    assert "Your action items due this week: 1, overdue: 0" in body
    assert "- Add a cache alert (due 2026-01-21)" in body
    assert _digests(p) == [], "once a week"
    assert p.h.client.get(DIGEST, headers=bearer(alice)).json()["last_week"] == "2026-W04"

    p.h.clock.advance(days=7)  # the next Monday
    [(_, subject, body)] = _digests(p)
    assert subject == "[Watchkeeper] Weekly digest: 0 incidents, MTTA none"
    assert "Your action items due this week: 0, overdue: 1" in body
    assert p.h.client.put(DIGEST, json={"enabled": False}, headers=bearer(alice)).is_success
    p.h.clock.advance(days=7)
    assert _digests(p) == []


def test_the_preview_says_what_the_next_one_would(p: Paging) -> None:
    alice = p.person("alice")
    preview = p.h.client.get(f"{DIGEST}/preview", headers=bearer(alice))
    assert preview.status_code == 200, preview.text
    assert preview.json()["week"] == "2026-W03"
    assert "Incidents: 0" in preview.json()["body"]


def test_a_bad_choice_is_refused(p: Paging) -> None:
    alice = p.person("alice")
    response = p.h.client.put(DIGEST, json={"enabled": "sometimes"}, headers=bearer(alice))
    assert response.status_code == 422
    assert p.h.client.get(DIGEST, headers=bearer(alice)).json()["enabled"] is False


def test_the_account_page_turns_it_on_and_shows_the_preview(p: Paging) -> None:
    alice = p.person("alice")
    browser_login(p.h.client, alice.login)
    page = p.h.client.get("/account/weekly-digest")
    assert page.status_code == 200
    assert "Weekly digest: 0 incidents" in page.text
    token = CSRF.search(page.text)
    assert token
    saved = p.h.client.post(
        "/account/weekly-digest",
        data={"csrf_token": token.group(1), "enabled": "true"},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert 'name="enabled" value="true" checked' in p.h.client.get("/account/weekly-digest").text


def test_subscribers_whose_monday_has_not_come_do_not_hold_back_the_others(
    p: Paging, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cycle, "BATCH", 2)  # a small batch, that the early ones would fill
    people = [(p.person(f"west{n}"), "America/Los_Angeles") for n in range(3)]
    people.append((p.person("berta"), "Europe/Berlin"))
    for person, zone in people:
        p.h.client.patch("/api/v1/me", json={"time_zone": zone}, headers=bearer(person))
        p.h.client.put(DIGEST, json={"enabled": True}, headers=bearer(person))
    # from Thursday 15 January 09:00 UTC to Monday 19th 08:10 UTC: 09:10 in Berlin, still
    # Monday 00:10 in Los Angeles
    p.h.clock.advance(timedelta(days=3, hours=23, minutes=10))
    assert [to for to, _, _ in _digests(p)] == ["berta"]
