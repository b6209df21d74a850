"""Stakeholder updates: rules add stakeholders, an update from a template reaches them
through the outbox and the timeline, and a late update reminds the communications lead."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.testclient import TestClient

from tests.factories import Person, bearer, make_person
from tests.scenarios.harness import Harness
from watchkeeper.catalog.teams.models import TeamMembership
from watchkeeper.catalog.users.roles import Role
from watchkeeper.db.sealing import Sealer
from watchkeeper.pipeline.notify.channels.base import Delivery
from watchkeeper.pipeline.notify.models import ContactMethod
from watchkeeper.wiring import secret_key


def reachable(h: Harness, login: str, address: str) -> Person:
    person = make_person(h.db, now=h.clock.now(), role=Role.RESPONDER, login=login)
    with h.db.transaction() as session:
        now = h.clock.now()
        session.add(
            ContactMethod(
                user_id=person.id,
                kind="email",
                address=Sealer(secret_key(h.settings)).seal(address),
                label="email",
                verified_at=now,
                created_at=now,
            )
        )
    return person


def call(client: TestClient, who: Person, method: str, path: str, expect: int, **kw: object) -> Any:
    response = client.request(method, path, headers=bearer(who), **kw)  # type: ignore[arg-type]
    assert response.status_code == expect, response.text
    return response.json() if response.content else {}


def p1(h: Harness, client: TestClient, **fields: object) -> int:
    service = h.service("checkout")
    body = {"title": "Checkout down", "service_id": service, "impact": 1, "urgency": 1, **fields}
    return int(call(client, h.admin, "POST", "/api/v1/incidents", 201, json=body)["id"])


def test_a_p1_gets_the_leadership_team_by_rule_and_an_update_from_a_template_reaches_it(
    h: Harness, client: TestClient
) -> None:
    boss = reachable(h, "boss", "boss@example.com")
    team = call(client, h.admin, "POST", "/api/v1/teams", 201, json={"name": "leadership"})
    with h.db.transaction() as session:
        session.add(TeamMembership(team_id=team["id"], user_id=boss.id, created_at=h.clock.now()))
    call(
        client,
        h.admin,
        "POST",
        "/api/v1/stakeholder-rules",
        201,
        json={"max_priority": 1, "team_id": team["id"]},
    )
    template = call(
        client,
        h.admin,
        "POST",
        "/api/v1/stakeholder-templates",
        201,
        json={
            "name": "status",
            "subject": "{number} {title}: {status}",
            "body": "{priority} on {service}. Commander: {commander}.",
        },
    )
    incident = p1(h, client)
    call(
        client,
        h.admin,
        "POST",
        f"/api/v1/incidents/{incident}/stakeholders",
        201,
        json={"email": "CFO@example.com"},
    )

    h.run_engine()
    listed = call(client, h.admin, "GET", f"/api/v1/incidents/{incident}/stakeholders", 200)
    assert sorted((s["kind"], s["name"]) for s in listed) == [
        ("email", "cfo@example.com"),
        ("team", "leadership"),
    ]
    h.channel.take()

    sent = call(
        client,
        h.admin,
        "POST",
        f"/api/v1/incidents/{incident}/stakeholder-updates",
        201,
        json={"template_id": template["id"]},
    )
    assert sent["subject"] == f"#{incident} Checkout down: triggered"
    assert sent["body"] == "P1 on checkout. Commander: nobody yet."
    assert sent["recipients"] == 2
    h.run_engine()
    got = {s.address: s.message for s in h.channel.take()}
    assert sorted(got) == ["boss@example.com", "cfo@example.com"]
    assert got["cfo@example.com"].subject == f"#{incident} Checkout down: triggered"
    timeline = call(client, h.admin, "GET", f"/api/v1/incidents/{incident}/timeline", 200)
    entries = timeline["items"] if isinstance(timeline, dict) else timeline
    assert any(e["kind"] == "stakeholder_update" for e in entries)


def test_the_communications_lead_is_reminded_once_when_an_update_is_late(
    h: Harness, client: TestClient
) -> None:
    lead = reachable(h, "lead", "lead@example.com")
    incident = p1(h, client)
    call(
        client,
        h.admin,
        "PATCH",
        f"/api/v1/incidents/{incident}",
        200,
        json={"communications_lead_id": lead.id},
    )
    cadence = f"/api/v1/incidents/{incident}/stakeholder-cadence"
    h.clock.advance(minutes=18)
    assert call(client, h.admin, "GET", cadence, 200)["due_in_minutes"] == 12

    h.run_engine()
    assert h.channel.take() == []
    h.clock.advance(minutes=12)
    h.run_engine()
    h.run_engine()
    [reminder] = h.channel.take()
    assert reminder.address == "lead@example.com"
    assert f"#{incident}" in reminder.message.subject

    h.clock.advance(minutes=5)
    h.run_engine()
    assert h.channel.take() == []  # once per due time
    call(
        client,
        h.admin,
        "POST",
        f"/api/v1/incidents/{incident}/stakeholder-updates",
        201,
        json={"body": "Payments fail; rollback under way."},
    )
    after = call(client, h.admin, "GET", cadence, 200)
    assert after["due_in_minutes"] == 30
    assert after["reminds_user_id"] == lead.id
    h.clock.advance(timedelta(minutes=31))
    h.run_engine()
    assert [s.address for s in h.channel.take()] == ["lead@example.com"]


def test_a_message_the_channel_could_not_take_is_retried_later(
    h: Harness, client: TestClient
) -> None:
    incident = p1(h, client)
    call(
        client,
        h.admin,
        "POST",
        f"/api/v1/incidents/{incident}/stakeholders",
        201,
        json={"email": "vp@example.com"},
    )
    h.channel.failures.append(Delivery(ok=False, retryable=True, detail="SMTP 451"))
    call(
        client,
        h.admin,
        "POST",
        f"/api/v1/incidents/{incident}/stakeholder-updates",
        201,
        json={"body": "Mitigated."},
    )
    h.run_engine()
    h.run_engine()
    assert h.channel.take() == []
    assert h.channel.attempts == 1
    h.clock.advance(seconds=16)  # the first retry waits 7.5 to 15 s
    h.run_engine()
    [sent] = h.channel.take()
    assert sent.address == "vp@example.com"
    assert sent.message.text == "Mitigated."
