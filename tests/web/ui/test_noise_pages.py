"""Noise reduction pages over HTTP: silences, routing rules with "Try it", maintenance
windows and inhibition rules, and who may change them."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from tests.factories import Person, bearer, browser_login
from tests.scenarios.harness import Harness, payload
from tests.web.conftest import Snapshot
from watchkeeper.core.clock import FrozenClock
from watchkeeper.db.session import Database
from watchkeeper.pipeline.correlate.noise.models import (
    InhibitionRule,
    MaintenanceWindow,
    RoutingRule,
    Silence,
)

SILENCES = "/silences"
RULES = "/routing-rules"
WINDOWS = "/maintenance-windows"
INHIBITIONS = "/inhibition-rules"


def _row(page: str, row_id: str) -> str:
    """The HTML of the table row with `id="row_id"`."""
    found = re.search(rf'<tr id="{row_id}"[^>]*>.*?</tr>', page, re.DOTALL)
    assert found, f"no row {row_id}"
    return found.group(0)


def _silence(client: TestClient, csrf: str, **fields: str) -> int:
    data = {
        "csrf_token": csrf,
        "matchers": 'alertname="DiskFull"\nseverity=~"crit|warn"',
        "duration": "2h",
        "comment": "replacing the disk on db-1",
        **fields,
    }
    response = client.post(SILENCES, data=data, follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("-", 1)[1])


def _service(client: TestClient, admin: Person, name: str = "Web") -> int:
    response = client.post("/api/v1/services", json={"name": name}, headers=bearer(admin))
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _rule(client: TestClient, csrf: str, name: str, **fields: str) -> None:
    data = {"csrf_token": csrf, "name": name, "enabled": "true", **fields}
    response = client.post(RULES, data=data, follow_redirects=False)
    assert response.status_code == 303, response.text


def _rule_names(db: Database) -> list[str]:
    with db.transaction(write=False) as session:
        return list(session.scalars(select(RoutingRule.name).order_by(RoutingRule.position)))


def test_a_silence_with_two_matcher_lines_is_stored_and_listed_as_active(
    client: TestClient, responder: Person, db: Database, clock: FrozenClock
) -> None:
    csrf = browser_login(client, responder.login)

    silence_id = _silence(client, csrf)

    with db.transaction(write=False) as session:
        stored = session.get(Silence, silence_id)
        assert stored is not None
        assert stored.matchers == [
            {"name": "alertname", "op": "=", "value": "DiskFull"},
            {"name": "severity", "op": "=~", "value": "crit|warn"},
        ]
        assert stored.starts_at == clock.now()
        assert stored.ends_at == clock.now() + timedelta(hours=2)
        assert stored.created_by_id == responder.id
    row = _row(client.get(SILENCES).text, f"silence-{silence_id}")
    assert 'data-state="active"' in row
    assert "alertname=&#34;DiskFull&#34;" in row
    assert "2 h 0 min left" in row
    assert responder.login in row
    assert "Expire now" in row


def test_a_silence_ends_at_the_wall_time_given_in_the_viewers_zone(
    client: TestClient, responder: Person, db: Database
) -> None:
    csrf = browser_login(client, responder.login)
    client.post(
        "/account/profile", data={"csrf_token": csrf, "name": "Resp", "time_zone": "Asia/Tokyo"}
    )

    silence_id = _silence(client, csrf, ends_at="2026-01-16T09:00", duration="")

    with db.transaction(write=False) as session:
        stored = session.get(Silence, silence_id)
        assert stored is not None
        assert stored.ends_at == datetime(2026, 1, 16, 0, 0, tzinfo=UTC)


def test_a_malformed_matcher_line_is_named_and_nothing_is_stored(
    client: TestClient, responder: Person, snapshot: Snapshot
) -> None:
    csrf = browser_login(client, responder.login)
    before = snapshot()

    page = client.post(
        SILENCES,
        data={
            "csrf_token": csrf,
            "matchers": 'alertname="DiskFull"\nseverity==crit',
            "comment": "disk",
        },
    )

    assert page.status_code == 422
    assert "matchers, line 2: not a matcher: &#39;severity==crit&#39;" in page.text
    assert "severity==crit</textarea>" in page.text  # what was typed stays in the form
    assert snapshot() == before


def test_a_silence_that_would_silence_everything_is_refused_with_the_reason(
    client: TestClient, responder: Person, snapshot: Snapshot
) -> None:
    csrf = browser_login(client, responder.login)
    before = snapshot()
    page = client.post(
        SILENCES, data={"csrf_token": csrf, "matchers": 'alertname=~".*"', "comment": "all"}
    )
    assert page.status_code == 422
    assert "these would silence every alert" in page.text
    assert snapshot() == before


def test_expiring_a_silence_moves_it_to_expired(
    client: TestClient, responder: Person, db: Database, clock: FrozenClock
) -> None:
    csrf = browser_login(client, responder.login)
    silence_id = _silence(client, csrf)
    clock.advance(minutes=10)

    expired = client.post(f"{SILENCES}/{silence_id}/expire", data={"csrf_token": csrf})

    assert expired.status_code == 200
    row = _row(expired.text, f"silence-{silence_id}")
    assert 'data-state="expired"' in row
    assert "Expire now" not in row
    assert expired.text.index("Expired (the last 50)") < expired.text.index(f"silence-{silence_id}")
    with db.transaction(write=False) as session:
        assert session.scalar(select(Silence.ends_at)) == clock.now()


def test_the_alert_pages_silence_button_prefills_its_labels(h: Harness) -> None:
    h.post("alertmanager", "alertmanager_firing.json")
    h.run_engine()
    [alert] = h.alerts()
    browser_login(h.client, h.admin.login)

    shown = h.client.get(f"/alerts/{alert.id}")
    assert f'href="/silences?alert_id={alert.id}#new-silence"' in shown.text

    form = h.client.get(f"{SILENCES}?alert_id={alert.id}")
    matchers = re.search(r'<textarea name="matchers"[^>]*>(.*?)</textarea>', form.text, re.DOTALL)
    assert matchers
    assert matchers.group(1).splitlines() == [
        "alertname=&#34;HighLatency&#34;",
        "env=&#34;production&#34;",
        "job=&#34;checkout&#34;",
        "namespace=&#34;shop&#34;",
        "service=&#34;checkout&#34;",
        "severity=&#34;critical&#34;",
        "team=&#34;payments&#34;",
    ]
    assert f'<option value="{alert.service_id}" selected>' in form.text


def test_an_admin_creates_moves_and_deletes_routing_rules(
    client: TestClient, admin: Person, db: Database
) -> None:
    service_id = _service(client, admin)
    csrf = browser_login(client, admin.login)
    _rule(client, csrf, "prod is urgent", matchers='env="production"', set_urgency="1")
    _rule(
        client,
        csrf,
        "database team",
        matchers='team="db"',
        set_service_id=str(service_id),
        add_tags="db storage",
        continue_matching="true",
    )
    _rule(client, csrf, "batch never pages", matchers='job=~"batch-.*"', outcome="suppress")
    assert _rule_names(db) == ["prod is urgent", "database team", "batch never pages"]
    listing = client.get(RULES).text
    assert "urgency 1" in _row(listing, "rule-1")
    assert "service Web, tags db, storage, continue" in _row(listing, "rule-2")
    assert "suppress" in _row(listing, "rule-3")

    moved = client.post(f"{RULES}/3/move", data={"csrf_token": csrf, "position": "1"})
    assert moved.status_code == 200
    assert _rule_names(db) == ["batch never pages", "prod is urgent", "database team"]
    client.post(f"{RULES}/1/move", data={"csrf_token": csrf, "position": "3"})
    assert _rule_names(db) == ["batch never pages", "database team", "prod is urgent"]

    deleted = client.post(f"{RULES}/2/delete", data={"csrf_token": csrf})
    assert deleted.status_code == 200
    assert _rule_names(db) == ["batch never pages", "prod is urgent"]
    with db.transaction(write=False) as session:
        assert list(session.scalars(select(RoutingRule.position).order_by(RoutingRule.id))) == [
            2,
            1,
        ]


def test_editing_a_routing_rule_changes_it_and_can_clear_its_levels(
    client: TestClient, admin: Person, db: Database
) -> None:
    csrf = browser_login(client, admin.login)
    _rule(client, csrf, "prod", matchers='env="production"', set_urgency="1", add_tags="prod")
    form = client.get(f"{RULES}/1").text
    assert "env=&#34;production&#34;</textarea>" in form

    saved = client.post(
        f"{RULES}/1",
        data={
            "csrf_token": csrf,
            "name": "prod drops",
            "matchers": 'env="prod"',
            "outcome": "drop",
        },
    )

    assert saved.status_code == 200
    with db.transaction(write=False) as session:
        rule = session.scalars(select(RoutingRule)).one()
        assert (rule.name, rule.matchers[0]["value"], rule.drop, rule.enabled) == (
            "prod drops",
            "prod",
            True,
            False,
        )
        assert (rule.set_urgency, rule.add_tags) == (None, [])


def test_try_it_shows_which_rule_hits_a_sample_and_what_happens(
    client: TestClient, admin: Person, snapshot: Snapshot
) -> None:
    service_id = _service(client, admin)
    csrf = browser_login(client, admin.login)
    _rule(client, csrf, "staging is quiet", matchers='env="staging"', outcome="suppress")
    _rule(client, csrf, "prod is urgent", matchers='env="production"', set_urgency="1")
    before = snapshot()

    page = client.post(
        f"{RULES}/try",
        data={
            "csrf_token": csrf,
            "type": "alertmanager",
            "service_id": str(service_id),
            "payload": json.dumps(payload("alertmanager_firing.json")),
        },
    )

    assert page.status_code == 200
    result = page.text[page.text.index('id="try-result"') :]
    assert '<span class="rule-hit">#2 prod is urgent</span>' in result
    assert "staging is quiet" not in result
    assert "<strong>page</strong>: opens or joins an incident" in result
    assert "P1 from severity=critical: impact 1 extensive (service default), " in result
    assert "urgency 1 critical (routing rule prod is urgent)" in result
    assert 'alertname="HighLatency"' in result
    assert snapshot() == before


def test_try_it_with_a_payload_that_is_not_json_says_so(client: TestClient, admin: Person) -> None:
    service_id = _service(client, admin)
    csrf = browser_login(client, admin.login)
    page = client.post(
        f"{RULES}/try",
        data={
            "csrf_token": csrf,
            "type": "alertmanager",
            "service_id": str(service_id),
            "payload": "{",
        },
    )
    assert page.status_code == 422
    assert "payload: not JSON" in page.text
    assert "{</textarea>" in page.text


def test_a_weekly_window_in_a_time_zone_is_listed_with_its_next_change(
    client: TestClient, responder: Person, admin: Person, db: Database
) -> None:
    service_id = _service(client, admin)
    csrf = browser_login(client, responder.login)

    created = client.post(
        WINDOWS,
        data={
            "csrf_token": csrf,
            "name": "Sunday patching",
            "service_id": str(service_id),
            "time_zone": "Europe/Berlin",
            "kind": "weekly",
            "weekdays": "6",
            "start_time": "02:00",
            "duration": "2h",
            # The one-off fields are ignored for a weekly window.
            "starts_at": "2026-01-20T10:00",
        },
    )

    assert created.status_code == 200, created.text
    row = _row(created.text, "window-1")
    assert "every Sunday at 02:00 for 2 h (Europe/Berlin)" in row
    assert "starts 2026-01-18 01:00 UTC" in row  # 02:00 in Berlin in winter
    assert "2026-01-18 02:00 CET" in row
    with db.transaction(write=False) as session:
        window = session.scalars(select(MaintenanceWindow)).one()
        assert (window.weekdays, window.start_time, window.duration_minutes) == ([6], "02:00", 120)
        assert window.starts_at is None


def test_an_active_window_says_when_it_ends(
    client: TestClient, responder: Person, admin: Person
) -> None:
    service_id = _service(client, admin)
    csrf = browser_login(client, responder.login)
    # START is Thursday 09:00 UTC, 10:00 in Berlin.
    page = client.post(
        WINDOWS,
        data={
            "csrf_token": csrf,
            "name": "Thursday deploys",
            "service_id": str(service_id),
            "time_zone": "Europe/Berlin",
            "kind": "weekly",
            "weekdays": "3",
            "start_time": "09:30",
            "duration": "90",
        },
    )
    row = _row(page.text, "window-1")
    assert "active" in row
    assert "ends 2026-01-15 10:00 UTC" in row


def test_a_window_that_is_both_or_neither_is_refused_and_deleting_one_removes_it(
    client: TestClient, responder: Person, admin: Person, db: Database
) -> None:
    service_id = _service(client, admin)
    csrf = browser_login(client, responder.login)
    base = {"csrf_token": csrf, "name": "Migration", "service_id": str(service_id)}
    refused = client.post(WINDOWS, data={**base, "kind": "once", "starts_at": "2026-01-16T22:00"})
    assert refused.status_code == 422
    assert "a window needs starts_at and ends_at" in refused.text

    client.post(
        WINDOWS,
        data={
            **base,
            "kind": "once",
            "starts_at": "2026-01-16T22:00",
            "ends_at": "2026-01-17T02:00",
        },
    )
    listing = client.get(WINDOWS).text
    assert "2026-01-16 22:00 UTC to 2026-01-17 02:00 UTC" in _row(listing, "window-1")

    deleted = client.post(f"{WINDOWS}/1/delete", data={"csrf_token": csrf})
    assert deleted.status_code == 200
    assert "No maintenance windows." in deleted.text
    with db.transaction(write=False) as session:
        assert session.scalar(select(MaintenanceWindow.id)) is None


def test_an_admin_creates_changes_and_deletes_an_inhibition_rule(
    client: TestClient, admin: Person, db: Database
) -> None:
    csrf = browser_login(client, admin.login)
    created = client.post(
        INHIBITIONS,
        data={
            "csrf_token": csrf,
            "name": "node down hides its services",
            "enabled": "true",
            "source_matchers": 'alertname="NodeDown"',
            "target_matchers": 'severity!="critical"',
            "equal": "instance",
        },
    )
    assert created.status_code == 200
    row = _row(created.text, "inhibition-1")
    assert "alertname=&#34;NodeDown&#34;" in row
    assert "severity!=&#34;critical&#34;" in row
    assert "<code>instance</code>" in row

    changed = client.post(
        f"{INHIBITIONS}/1",
        data={
            "csrf_token": csrf,
            "name": "node down",
            "enabled": "true",
            "source_matchers": 'alertname="NodeDown"',
            "target_matchers": 'severity="warning"',
            "equal": "instance cluster",
        },
    )
    assert changed.status_code == 200
    with db.transaction(write=False) as session:
        rule = session.scalars(select(InhibitionRule)).one()
        assert (rule.name, rule.equal, rule.target_matchers[0]["op"]) == (
            "node down",
            ["instance", "cluster"],
            "=",
        )

    deleted = client.post(f"{INHIBITIONS}/1/delete", data={"csrf_token": csrf})
    assert deleted.status_code == 200
    assert "No inhibition rules." in deleted.text


def test_an_inhibition_rule_needs_both_sides(
    client: TestClient, admin: Person, snapshot: Snapshot
) -> None:
    csrf = browser_login(client, admin.login)
    before = snapshot()
    page = client.post(
        INHIBITIONS,
        data={"csrf_token": csrf, "name": "half", "source_matchers": 'alertname="NodeDown"'},
    )
    assert page.status_code == 422
    assert "target matchers: give at least one matcher" in page.text
    assert snapshot() == before


@pytest.mark.parametrize("path", [SILENCES, WINDOWS, RULES, INHIBITIONS])
def test_viewers_see_the_lists_without_any_form_to_change_them(
    client: TestClient, viewer: Person, path: str
) -> None:
    browser_login(client, viewer.login)
    page = client.get(path)
    assert page.status_code == 200
    assert f'action="{path}"' not in page.text
    assert "/delete" not in page.text
    assert "/expire" not in page.text


def test_viewers_cannot_change_anything(
    client: TestClient, viewer: Person, responder: Person, admin: Person, snapshot: Snapshot
) -> None:
    service_id = _service(client, admin)
    silence = client.post(
        "/api/v1/silences",
        json={"matchers": ['alertname="x"'], "ends_at": "2026-01-16T00:00:00Z", "comment": "c"},
        headers=bearer(responder),
    )
    silence_id = silence.json()["id"]
    csrf = browser_login(client, viewer.login)
    before = snapshot()
    posts = [
        (SILENCES, {"matchers": 'alertname="x"', "comment": "mine"}),
        (f"{SILENCES}/{silence_id}/expire", {}),
        (WINDOWS, {"name": "w", "service_id": str(service_id), "starts_at": "2026-02-01T00:00"}),
        (RULES, {"name": "r"}),
        (INHIBITIONS, {"name": "i"}),
    ]
    for path, data in posts:
        assert client.post(path, data={"csrf_token": csrf, **data}).status_code == 403, path
    assert snapshot() == before


def test_responders_silence_but_do_not_route_or_inhibit(
    client: TestClient, responder: Person, snapshot: Snapshot
) -> None:
    csrf = browser_login(client, responder.login)
    assert 'action="/silences"' in client.get(SILENCES).text
    assert f'action="{RULES}"' not in client.get(RULES).text
    before = snapshot()
    assert client.post(RULES, data={"csrf_token": csrf, "name": "r"}).status_code == 403
    assert client.post(INHIBITIONS, data={"csrf_token": csrf, "name": "i"}).status_code == 403
    assert client.get(f"{RULES}/1").status_code == 403
    assert snapshot() == before
