"""The escalation simulator says who would be paged, when and how; then the real pipeline,
given the same alert at the same time, does exactly that."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.alertmanager import firing
from tests.factories import bearer
from tests.scenarios.harness import Harness
from tests.scenarios.paging import Paging
from tests.scenarios.test_paging_schedules import schedule
from watchkeeper.catalog.users.models import User
from watchkeeper.incidents.models import Incident
from watchkeeper.pipeline.escalation.models import Page
from watchkeeper.pipeline.ingest.models import Event
from watchkeeper.pipeline.notify.models import Notification

EVERY_DAY = [0, 1, 2, 3, 4, 5, 6]
SUNDAY_3AM_BERLIN = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)  # 03:00 CET


@pytest.fixture
def p(h: Harness) -> Paging:
    return Paging(h)


def simulate(h: Harness, **body: Any) -> dict[str, Any]:
    response = h.client.post("/api/v1/simulations", json=body, headers=bearer(h.admin))
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def simulated_pages(result: dict[str, Any]) -> list[tuple[str, int | None, datetime]]:
    return [
        (page["login"], step["level"], datetime.fromisoformat(step["at"]))
        for step in result["steps"]
        for page in step["pages"]
    ]


def real_pages(h: Harness) -> list[tuple[str, int | None, datetime]]:
    with h.db.transaction(write=False) as session:
        rows = session.execute(
            select(User.login, Page.level, Page.created_at)
            .join(User, User.id == Page.user_id)
            .order_by(Page.created_at, Page.id)
        ).all()
    return [(login, level, at.astimezone(UTC)) for login, level, at in rows]


def counts(h: Harness) -> tuple[int, int, int, int]:
    with h.db.transaction(write=False) as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(table)) or 0
            for table in (Event, Incident, Page, Notification)
        )


def rota_with_night_gap(h: Harness, p: Paging) -> int:
    """alice 09:00-17:00 Berlin, bob 17:00-01:00; from 01:00 to 09:00 nobody."""
    alice, bob = p.person("alice"), p.person("bob")
    return schedule(
        h,
        "Europe/Berlin",
        {
            "participants": [alice.id],
            "rotation": "daily",
            "handoff_time": "09:00",
            "start": "2026-02-01T09:00",
            "restrictions": [{"days": EVERY_DAY, "start": "09:00", "end": "17:00"}],
        },
        {
            "participants": [bob.id],
            "rotation": "daily",
            "handoff_time": "17:00",
            "start": "2026-02-01T17:00",
            "restrictions": [{"days": EVERY_DAY, "start": "17:00", "end": "01:00"}],
        },
    )


def test_the_simulator_agrees_with_what_the_real_pipeline_then_does(p: Paging, h: Harness) -> None:
    h.clock.set(SUNDAY_3AM_BERLIN - timedelta(days=2))
    rota = rota_with_night_gap(h, p)
    carol = p.person("carol")
    p.policy(([("schedule", rota)], 10), ([("user", carol.id)], 15))
    h.channel.take()
    body = firing("DiskFull", severity="critical", at=SUNDAY_3AM_BERLIN)
    before = counts(h)

    result = simulate(
        h,
        service_id=h.service_ids["web"],
        type="alertmanager",
        payload=body,
        at="2026-03-01T03:00:00",
        zone="Europe/Berlin",
    )

    assert counts(h) == before  # nothing written
    assert [e["verdict"] for e in result["events"]] == ["opened"]
    assert result["events"][0]["reason"] == "alert opens a new incident"
    predicted = simulated_pages(result)
    # Level 1 reaches nobody at 03:00 (the rota's gap): the admins, then carol at once.
    assert [(login, level) for login, level, _ in predicted] == [
        (h.admin.login, 1),
        ("carol", 2),
    ]
    assert "nobody on call" in result["steps"][0]["reason"]
    assert result["steps"][1]["pages"][0]["deliveries"][0]["kind"] == "email"

    h.clock.set(SUNDAY_3AM_BERLIN)
    assert h.post("alertmanager", body).status_code == 202
    h.run_engine()
    h.clock.advance(timedelta(hours=1))
    h.run_engine()
    assert real_pages(h) == predicted


def test_a_later_level_fires_after_its_delay_in_both(p: Paging, h: Harness) -> None:
    h.clock.set(SUNDAY_3AM_BERLIN - timedelta(days=2))
    rota = rota_with_night_gap(h, p)
    carol = p.person("carol")
    p.policy(([("schedule", rota)], 10), ([("user", carol.id)], 15))
    h.channel.take()
    evening = datetime(2026, 2, 28, 19, 0, tzinfo=UTC)  # 20:00 Berlin: bob's shift

    result = simulate(h, service_id=h.service_ids["web"], at=evening.isoformat())

    predicted = simulated_pages(result)
    assert predicted == [("bob", 1, evening), ("carol", 2, evening + timedelta(minutes=10))]
    h.clock.set(evening)
    assert (
        h.post(
            "events",
            {
                "action": "trigger",
                "summary": "Simulated alert",
                "severity": "critical",
                "dedup_key": "simulation-critical-Simulated alert",
            },
        ).status_code
        == 202
    )
    h.run_engine()
    h.clock.advance(timedelta(minutes=10))
    h.run_engine()
    assert real_pages(h) == predicted


def test_a_silenced_alert_says_by_which_silence_and_until_when(p: Paging, h: Harness) -> None:
    h.clock.set(SUNDAY_3AM_BERLIN - timedelta(hours=1))
    alice = p.person("alice")
    p.policy(([("user", alice.id)], 10))
    silence = h.client.post(
        "/api/v1/silences",
        json={
            "matchers": [{"name": "alertname", "value": "DiskFull"}],
            "starts_at": (SUNDAY_3AM_BERLIN - timedelta(hours=1)).isoformat(),
            "ends_at": (SUNDAY_3AM_BERLIN + timedelta(hours=3)).isoformat(),
            "comment": "disk swap",
        },
        headers=bearer(h.admin),
    )
    assert silence.status_code == 201, silence.text

    result = simulate(
        h,
        service_id=h.service_ids["web"],
        type="alertmanager",
        payload=firing("DiskFull", severity="critical", at=SUNDAY_3AM_BERLIN),
        at="2026-03-01T03:00:00",
        zone="Europe/Berlin",
    )

    [event] = result["events"]
    assert event["verdict"] == "suppressed"
    assert event["reason"] == (
        "alert suppressed: "
        f"silenced by silence #{silence.json()['id']} until Sun 01 Mar 06:00 (Europe/Berlin)"
    )
    assert result["steps"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"zone": "Mars/Olympus", "service_id": 1}, "zone"),
        ({"service_id": 999999}, "service_id"),
        ({"service_id": 1, "type": "alertmanager", "payload": {}}, "body.payload.version"),
        ({"service_id": 1, "payload": {"x": 1}}, "type"),
        ({}, "service_id"),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(
    p: Paging, h: Harness, body: dict[str, Any], field: str
) -> None:
    h.service("web")
    before = counts(h)
    response = h.client.post("/api/v1/simulations", json=body, headers=bearer(h.admin))
    assert response.status_code in (400, 422), response.text
    assert field in response.text
    assert counts(h) == before


def test_a_policy_alone_is_simulated_through_a_stand_in_service(p: Paging, h: Harness) -> None:
    h.clock.set(SUNDAY_3AM_BERLIN)
    alice = p.person("alice")
    policy_id = p.policy(([("user", alice.id)], 10))
    before = counts(h)

    result = simulate(h, policy_id=policy_id)

    assert simulated_pages(result) == [("alice", 1, SUNDAY_3AM_BERLIN)]
    assert counts(h) == before
    listed = h.client.get("/api/v1/services", headers=bearer(h.admin)).json()
    assert [s["name"] for s in listed["items"]] == ["web"]  # the stand-in is gone


def test_a_repeat_of_an_open_alert_pages_nobody_new(p: Paging, h: Harness) -> None:
    h.clock.set(SUNDAY_3AM_BERLIN)
    alice = p.person("alice")
    p.policy(([("user", alice.id)], 10))
    body = firing("DiskFull", severity="critical", at=SUNDAY_3AM_BERLIN)
    assert h.post("alertmanager", body).status_code == 202
    h.run_engine()
    assert len(h.incidents()) == 1

    result = simulate(h, service_id=h.service_ids["web"], type="alertmanager", payload=body)

    assert [e["verdict"] for e in result["events"]] == ["repeat"]
    assert result["steps"] == []
    number = h.incidents()[0].id
    assert result["notes"] == [
        f"goes to open incident #{number}: its escalation already runs, nobody new is paged"
    ]
