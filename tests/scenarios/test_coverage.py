"""The coverage report finds the holes in a paging set-up before 3 a.m. does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update

from tests.factories import bearer
from tests.scenarios.harness import Harness
from tests.scenarios.paging import Paging
from tests.scenarios.test_paging_schedules import schedule
from watchkeeper.pipeline.notify.models import Notification

MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
EVERY_DAY = [0, 1, 2, 3, 4, 5, 6]


@pytest.fixture
def p(h: Harness) -> Paging:
    return Paging(h)


def report(h: Harness, **params: Any) -> dict[str, Any]:
    response = h.client.get("/api/v1/readiness/coverage", params=params, headers=bearer(h.admin))
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def of_kind(result: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [f for f in result["findings"] if f["kind"] == kind]


def day_rota(h: Harness, p: Paging, **fields: Any) -> int:
    """alice on call 09:00-17:00 in Berlin every day, nobody at night."""
    alice = p.person("alice")
    return schedule(
        h,
        "Europe/Berlin",
        {
            "participants": [alice.id],
            "rotation": "daily",
            "handoff_time": "09:00",
            "start": "2026-03-01T09:00",
            "restrictions": [{"days": EVERY_DAY, "start": "09:00", "end": "17:00"}],
            **fields,
        },
    )


def test_a_schedule_with_a_gap_shows_in_the_report_with_who_and_when(p: Paging, h: Harness) -> None:
    h.clock.set(MONDAY)
    rota = day_rota(h, p)

    gaps = of_kind(report(h), "schedule_gap")

    assert len(gaps) == 14  # every night of the next two weeks
    first = gaps[0]
    assert first["starts_at"] == "2026-03-02T16:00:00Z"  # 17:00 Berlin
    assert first["ends_at"] == "2026-03-03T08:00:00Z"
    assert first["detail"] == (
        "nobody on call Mon 02 Mar 17:00 to Tue 03 Mar 09:00 (Europe/Berlin); "
        "after alice, before alice"
    )
    assert first["fix_url"] == f"/schedules/{rota}"
    assert report(h)["counts"]["schedule_gap"] == 14


def test_a_policy_on_that_schedule_reaches_nobody_at_night_and_has_one_person(
    p: Paging, h: Harness
) -> None:
    h.clock.set(MONDAY)
    rota = day_rota(h, p)
    policy_id = p.policy(([("schedule", rota)], 10))

    result = report(h)

    [nobody] = of_kind(result, "policy_reaches_nobody")
    assert nobody["detail"].startswith("reaches nobody for 112 h of the next 7 days")
    assert nobody["fix_url"] == f"/admin/escalation-policies/{policy_id}"
    [single] = of_kind(result, "single_person_policy")
    assert single["subject"] == "service web"
    assert "reaches only alice" in single["detail"]


def test_people_on_call_who_cannot_be_reached_are_named(p: Paging, h: Harness) -> None:
    h.clock.set(MONDAY)
    alice = p.person("alice")  # verified email, no rules
    dave = p.person("dave", reachable=False)
    p.policy(([("user", alice.id), ("user", dave.id)], 10))

    result = report(h)

    assert [f["subject"] for f in of_kind(result, "no_verified_contact")] == ["user dave"]
    assert [f["subject"] for f in of_kind(result, "no_high_urgency_rule")] == ["user alice"]
    assert of_kind(result, "no_verified_contact")[0]["fix_url"] == f"/admin/users/{dave.id}"


def test_services_without_policy_and_silent_integrations(p: Paging, h: Harness) -> None:
    h.clock.set(MONDAY - timedelta(days=10))
    h.integration("alertmanager", service="db")
    h.clock.set(MONDAY)

    result = report(h)

    assert [f["subject"] for f in of_kind(result, "service_without_policy")] == ["service db"]
    assert [f["subject"] for f in of_kind(result, "silent_integration")] == [
        "integration alertmanager for db of db"
    ]
    h.post("alertmanager", "alertmanager_firing.json", service="db")
    assert of_kind(report(h), "silent_integration") == []


def test_a_contact_method_whose_last_deliveries_failed(p: Paging, h: Harness) -> None:
    h.clock.set(MONDAY)
    alice = p.person("alice")
    p.policy(([("user", alice.id)], 10))
    for name in ("One", "Two", "Three"):
        p.alert(name)
        p.now()
    assert of_kind(report(h), "failing_contact_method") == []
    with h.db.transaction() as session:
        session.execute(update(Notification).values(status="failed"))

    [failing] = of_kind(report(h), "failing_contact_method")

    assert failing["subject"] == "user alice"
    assert "the last 3 deliveries to email" in failing["detail"]


def test_a_team_sees_only_what_it_owns_and_an_unknown_team_is_refused(
    p: Paging, h: Harness
) -> None:
    h.clock.set(MONDAY)
    team = h.client.post("/api/v1/teams", json={"name": "Storage"}, headers=bearer(h.admin))
    assert team.status_code == 201, team.text
    h.service("db", owner_team_id=team.json()["id"])
    h.service("web")

    owned = report(h, team_id=team.json()["id"])

    assert [f["subject"] for f in owned["findings"]] == ["service db"]
    refused = h.client.get(
        "/api/v1/readiness/coverage", params={"team_id": 99999}, headers=bearer(h.admin)
    )
    assert refused.status_code == 422
    assert "no team 99999" in refused.text


def test_findings_are_prometheus_metrics_by_kind_and_team(p: Paging, h: Harness) -> None:
    h.clock.set(MONDAY)
    team = h.client.post("/api/v1/teams", json={"name": "Storage"}, headers=bearer(h.admin))
    h.service("db", owner_team_id=team.json()["id"])
    h.service("web")

    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(h.client.get("/metrics").text)
        for s in family.samples
    }

    kind = "service_without_policy"
    assert samples[("watchkeeper_readiness_findings", (("kind", kind), ("team", "")))] == 1
    assert samples[("watchkeeper_readiness_findings", (("kind", kind), ("team", "storage")))] == 1
    assert (
        samples[("watchkeeper_readiness_findings", (("kind", "schedule_gap"), ("team", "")))] == 0
    )
