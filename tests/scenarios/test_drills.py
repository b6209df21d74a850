"""A drill fires a test incident through the real pipeline: the on-call person is paged,
acknowledges from the link in the message, and the drill records who and how fast. A
drill nobody answers is reported to whoever made it. Drills count in no report and do
not move a status page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import select

from tests.factories import bearer, browser_login
from tests.scenarios.automation import links_that_work
from tests.scenarios.harness import Harness
from tests.scenarios.paging import Paging
from watchkeeper.analytics.ranges import ReportRange
from watchkeeper.analytics.scope import counted
from watchkeeper.incidents.models import Incident


def _drill(h: Harness, **fields: object) -> dict[str, object]:
    service_id = h.service_ids.get("web") or h.service("web")
    made = h.client.post(
        "/api/v1/drills",
        json={"name": "Monthly", "service_id": service_id, "ack_limit_minutes": 10, **fields},
        headers=bearer(h.admin),
    )
    assert made.status_code == 201, made.text
    return dict(made.json())


def _fire(h: Harness, drill_id: object) -> int:
    fired = h.client.post(f"/api/v1/drills/{drill_id}/fire", headers=bearer(h.admin))
    assert fired.status_code == 201, fired.text
    return int(fired.json()["id"])


def _runs(h: Harness, drill_id: object) -> list[dict[str, object]]:
    return list(h.client.get(f"/api/v1/drills/{drill_id}/runs", headers=bearer(h.admin)).json())


def test_a_drill_pages_through_the_pipeline_and_records_the_ack_by_link(h: Harness) -> None:
    links_that_work(h)
    paging = Paging(h)
    alice = paging.person("alice")
    paging.policy(([("user", alice.id)], 30))
    drill = _drill(h)
    _fire(h, drill["id"])
    h.run_engine()
    [sent] = h.channel.take()
    assert sent.address == "alice@example.com"
    assert "[DRILL] Monthly" in sent.message.subject
    link = sent.message.payload["incidents"][0]["acknowledge_url"]
    h.clock.advance(timedelta(minutes=3))
    acted = h.client.post(urlsplit(link).path)
    assert acted.status_code in (200, 303), acted.text
    h.run_engine()
    [run] = _runs(h, drill["id"])
    assert run["status"] == "acknowledged"
    assert run["acknowledged_by"] == "alice"
    assert run["ack_seconds"] == 180
    assert [p["login"] for p in run["paged"]] == ["alice"]  # type: ignore[attr-defined]
    [incident] = h.incidents()
    assert incident.title.startswith("[DRILL] Monthly")
    assert incident.status == "resolved"  # the drill's alert resolved once answered
    record = h.client.get(f"/api/v1/users/{alice.id}/training", headers=bearer(h.admin)).json()
    assert (record["drills_paged"], record["drills_acknowledged"]) == (1, 1)
    assert record["median_ack_seconds"] == 180
    assert record["drills"][0]["drill"] == "Monthly"


def test_a_drill_nobody_acknowledges_is_reported_to_its_creator(h: Harness) -> None:
    paging = Paging(h)
    bob = paging.person("bob")
    paging.reach(h.admin, "email", "root@example.com")
    paging.policy(([("user", bob.id)], 30))
    drill = _drill(h)
    _fire(h, drill["id"])
    assert paging.now() == [("bob", [1])]
    h.clock.advance(timedelta(minutes=11))
    h.run_engine()
    [run] = _runs(h, drill["id"])
    assert run["status"] == "unanswered"
    report = [s for s in h.channel.take() if s.address == "root@example.com"]
    assert len(report) == 1
    assert "nobody acknowledged it in time" in report[0].message.subject
    assert "Paged: bob" in report[0].message.text


def test_a_drill_counts_in_no_report(h: Harness) -> None:
    _fire(h, _drill(h)["id"])
    h.run_engine()
    start = h.clock.now() - timedelta(days=1)
    window = ReportRange(start, h.clock.now() + timedelta(days=1))
    with h.db.transaction(write=False) as session:
        assert session.scalars(select(Incident.id)).all() == [1]
        assert session.scalars(select(Incident.id).where(counted(window))).all() == []
    h.clock.advance(timedelta(minutes=1))  # the report's range ends now, exclusive
    noise = h.client.get("/api/v1/reports/noise?since=30d", headers=bearer(h.admin)).json()
    assert noise["alerts"] == 0
    assert noise["by_fingerprint"] == []


def test_a_scheduled_drill_fires_at_its_time_in_its_zone(h: Harness) -> None:
    # The clock starts on a Thursday; the drill is at 10:00 Paris time on Fridays.
    drill = _drill(h, cron="0 10 * * fri", zone="Europe/Paris")
    assert datetime.fromisoformat(str(drill["next_at"])) == datetime(2026, 1, 16, 9, 0, tzinfo=UTC)
    h.clock.advance(timedelta(hours=23, minutes=59))
    h.run_engine()
    assert _runs(h, drill["id"]) == []
    h.clock.advance(timedelta(minutes=1))
    h.run_engine()
    h.run_engine()  # the next pass correlates the event the drill wrote
    [run] = _runs(h, drill["id"])
    assert run["incident_id"] == 1
    again = h.client.get(f"/api/v1/drills/{drill['id']}", headers=bearer(h.admin)).json()
    assert datetime.fromisoformat(again["next_at"]) == datetime(2026, 1, 23, 9, 0, tzinfo=UTC)


def test_a_cron_that_does_not_parse_is_refused(h: Harness) -> None:
    service_id = h.service("web")
    for cron, zone in (
        ("61 * * * *", "UTC"),
        ("every monday", "UTC"),
        ("0 10 * * mon", "Nowhere/City"),
    ):
        made = h.client.post(
            "/api/v1/drills",
            json={"name": "Bad", "service_id": service_id, "cron": cron, "zone": zone},
            headers=bearer(h.admin),
        )
        assert made.status_code == 422, (cron, made.text)
    assert h.client.get("/api/v1/drills", headers=bearer(h.admin)).json() == []


def test_a_drill_does_not_move_the_status_page(h: Harness) -> None:
    from tests.statuspage.helpers import Pages

    pages = Pages(h.client, h.admin)
    web = h.service("web")
    page = pages.page()
    site = pages.component(page["id"], "Website", service_ids=[web])
    _fire(h, _drill(h)["id"])
    h.run_engine()
    h.run_engine()
    [incident] = h.incidents()
    assert incident.status == "triggered"  # open, and a P1 by its critical severity
    assert pages.status_of(page["id"], site["id"]) == "operational"
    browser_login(h.client, h.admin.login)
    shown = h.client.get(f"/incidents/{incident.id}")
    assert 'data-testid="drill"' in shown.text
