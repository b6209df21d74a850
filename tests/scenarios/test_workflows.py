"""Workflows act on incident events after they commit: each kind of action, the run
recorded on the incident and the workflow, failures that do not stop the rest, no loops,
and a dry run that changes nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from standardwebhooks import Webhook

from tests.factories import bearer
from tests.scenarios.automation import (
    Endpoint,
    declare,
    endpoint,
    links_that_work,
    runs,
    timeline,
    workflow,
)
from tests.scenarios.harness import Harness
from tests.scenarios.paging import Paging
from watchkeeper.db.session import Database
from watchkeeper.settings import Settings


@pytest.fixture
def settings(tmp_path: Path, db: Database) -> Settings:
    """The test settings, with loopback allowed: the endpoints here run on this machine."""
    return Settings(
        _env_file=None,
        data_dir=tmp_path,
        database_url=db.engine.url.render_as_string(hide_password=False),
        secret_key="test-secret-key",
        log_level="WARNING",
        outbound_allow_cidrs="127.0.0.1/32",
    )


@pytest.fixture
def remote() -> Iterator[Endpoint]:
    with endpoint() as sink:
        yield sink


def test_a_p1_gets_a_commander_and_a_category_as_it_opens(h: Harness) -> None:
    made = h.client.post("/api/v1/categories", json={"name": "Outage"}, headers=bearer(h.admin))
    categories = [made.json()]
    flow = workflow(
        h,
        name="P1 set-up",
        trigger="incident_opened",
        conditions={"priorities": ["P1"]},
        actions=[
            {"kind": "set_fields", "commander_id": h.admin.id, "category_id": categories[0]["id"]}
        ],
    )
    major = declare(h, "Checkout down", impact=1, urgency=1)
    minor = declare(h, "Typo on the About page", impact=4, urgency=4)
    h.run_engine()
    [incident, other] = h.incidents()
    assert (incident.id, incident.commander_id, incident.category_id) == (
        major,
        h.admin.id,
        categories[0]["id"],
    )
    assert (other.id, other.commander_id) == (minor, None)
    [run] = runs(h, flow["id"])
    assert run["incident_id"] == major
    assert run["results"][0]["ok"] is True
    [said] = timeline(h, major, "workflow")
    assert "'P1 set-up' ran: 1 of 1 actions done" in said.summary
    changed = timeline(h, major, "role")
    assert changed[0].actor.startswith(f"workflow #{flow['id']}")


def test_a_database_alert_pages_the_dba_team_through_the_paging_path(h: Harness) -> None:
    paging = Paging(h)
    dba = paging.person("dana")
    team = h.client.post("/api/v1/teams", json={"name": "DBA"}, headers=bearer(h.admin)).json()
    added = h.client.post(
        f"/api/v1/teams/{team['id']}/members",
        json={"user_id": dba.id},
        headers=bearer(h.admin),
    )
    assert added.status_code in (200, 201), added.text
    workflow(
        h,
        name="Page the DBAs",
        trigger="alert_attached",
        conditions={"labels": [{"name": "alertname", "op": "=~", "value": "Postgres.*"}]},
        actions=[{"kind": "add_responders", "team_ids": [team["id"]], "message": "database"}],
    )
    paging.alert("PostgresReplicationLag")
    paging.alert("HighLatency")
    got = paging.now()
    assert [who for who, _ in got] == ["dana"]
    [lagging, _] = h.incidents()
    assert any("paged dana" in e.summary for e in timeline(h, lagging.id, "paged"))


def test_a_task_and_a_note_are_added_from_templates(h: Harness) -> None:
    workflow(
        h,
        name="Checklist",
        trigger="incident_opened",
        actions=[
            {"kind": "add_task", "title": "Tell support about #{{ incident.number }}"},
            {
                "kind": "add_note",
                "text": "Runbook for {{ incident.service }}: "
                "https://wiki.example/{{ incident.service }}",
            },
        ],
    )
    number = declare(h)
    h.run_engine()
    tasks = h.client.get(f"/api/v1/incidents/{number}/tasks", headers=bearer(h.admin)).json()
    assert [task["title"] for task in tasks] == [f"Tell support about #{number}"]
    [note] = timeline(h, number, "note")
    assert note.summary == "Runbook for web: https://wiki.example/web"


def test_a_webhook_is_signed_the_standard_way_and_its_answer_recorded(
    h: Harness, remote: Endpoint
) -> None:
    flow = workflow(
        h,
        name="Tell the CMDB",
        trigger="status_changed",
        trigger_value="acknowledged",
        actions=[
            {
                "kind": "webhook",
                "url": remote.url("/hooks/cmdb"),
                "body": '{"incident": {{ incident.number }}, '
                '"status": {{ incident.status | tojson }}}',
            }
        ],
    )
    number = declare(h)
    h.run_engine()
    assert remote.received == []  # opened, not acknowledged yet
    h.client.post(f"/api/v1/incidents/{number}/acknowledge", headers=bearer(h.admin))
    h.run_engine()
    [(path, headers, body)] = remote.received
    assert path == "/hooks/cmdb"
    assert json.loads(body) == {"incident": number, "status": "acknowledged"}
    verified = Webhook(flow["secret"]).verify(body, headers)
    assert verified == {"incident": number, "status": "acknowledged"}
    [answered] = timeline(h, number, "workflow_call")
    assert answered.summary.startswith("webhook to 127.0.0.1 answered: HTTP 200")
    assert answered.data["answer"] == {"restarted": "checkout-7f9c", "ok": True}
    [run] = runs(h, flow["id"])
    assert run["results"][0]["detail"] == "webhook answered: HTTP 200"


def test_a_remediation_result_is_on_the_timeline(h: Harness, remote: Endpoint) -> None:
    workflow(
        h,
        name="Restart checkout",
        trigger="note_tagged",
        trigger_value="restart",
        actions=[{"kind": "remediation", "url": remote.url("/restart")}],
    )
    number = declare(h)
    h.client.post(
        f"/api/v1/incidents/{number}/notes",
        json={"text": "Trying a #restart of the pods"},
        headers=bearer(h.admin),
    )
    h.run_engine()
    [result] = timeline(h, number, "workflow_call")
    assert result.summary.splitlines() == [
        "remediation to 127.0.0.1 answered: HTTP 200",
        '{"restarted": "checkout-7f9c", "ok": true}',
    ]


def test_a_failing_action_does_not_stop_the_next_one(h: Harness, remote: Endpoint) -> None:
    empty = h.client.post("/api/v1/teams", json={"name": "Nobody"}, headers=bearer(h.admin))
    flow = workflow(
        h,
        name="Mixed",
        trigger="incident_opened",
        actions=[
            {"kind": "add_responders", "team_ids": [empty.json()["id"]]},
            {"kind": "add_note", "text": "still here"},
            {"kind": "webhook", "url": remote.url("/fail")},
        ],
    )
    number = declare(h)
    h.run_engine()
    [run] = runs(h, flow["id"])
    assert [(r["kind"], r["ok"]) for r in run["results"]][:2] == [
        ("add_responders", False),
        ("add_note", True),
    ]
    assert [e.summary for e in timeline(h, number, "note")] == ["still here"]
    assert run["results"][2]["detail"].startswith("queued a POST")
    for _ in range(6):  # a 500 is retried from the outbox with backoff, then given up
        h.clock.advance(minutes=20)
        h.run_engine()
    assert len(remote.received) == 6
    [run] = runs(h, flow["id"])
    assert run["results"][2] == {
        "position": 2,
        "kind": "webhook",
        "ok": False,
        "detail": "webhook failed: HTTP 500",
    }


def test_a_workflow_does_not_trigger_itself(h: Harness) -> None:
    flow = workflow(
        h,
        name="Echo",
        trigger="note_tagged",
        trigger_value="db",
        actions=[{"kind": "add_note", "text": "seen a #db note"}],
    )
    number = declare(h)
    h.client.post(
        f"/api/v1/incidents/{number}/notes", json={"text": "#db is slow"}, headers=bearer(h.admin)
    )
    h.run_engine()
    h.run_engine()
    assert len(runs(h, flow["id"])) == 1
    assert [e.summary for e in timeline(h, number, "note")] == ["#db is slow", "seen a #db note"]


def test_two_workflows_that_trigger_each_other_stop_at_the_depth_limit(h: Harness) -> None:
    ping = workflow(
        h,
        name="Ping",
        trigger="note_tagged",
        trigger_value="ping",
        actions=[{"kind": "add_note", "text": "#pong"}],
    )
    pong = workflow(
        h,
        name="Pong",
        trigger="note_tagged",
        trigger_value="pong",
        actions=[{"kind": "add_note", "text": "#ping"}],
    )
    number = declare(h)
    h.client.post(
        f"/api/v1/incidents/{number}/notes", json={"text": "#ping"}, headers=bearer(h.admin)
    )
    for _ in range(6):
        h.run_engine()
    assert len(runs(h, ping["id"])) + len(runs(h, pong["id"])) == 3
    assert len(timeline(h, number, "note")) == 4


def test_testing_a_workflow_shows_what_it_would_do_and_changes_nothing(
    h: Harness, remote: Endpoint, snapshot: object
) -> None:
    flow = workflow(
        h,
        name="Would",
        trigger="incident_opened",
        conditions={"priorities": ["P1"]},
        actions=[
            {"kind": "add_note", "text": "for {{ incident.title }}"},
            {"kind": "add_responders", "user_ids": [h.admin.id]},
            {"kind": "webhook", "url": remote.url("/x")},
        ],
    )
    number = declare(h, "Old one", impact=3, urgency=3)
    before = snapshot()  # type: ignore[operator]
    tested = h.client.post(
        f"/api/v1/workflows/{flow['id']}/test",
        json={"incident_id": number},
        headers=bearer(h.admin),
    )
    assert tested.status_code == 200, tested.text
    answer = tested.json()
    assert answer["matches"] is False
    assert answer["not_matched"] == ["priority is P1"]
    assert [a["detail"] for a in answer["actions"]][:2] == [
        "would add a note: for Old one",
        "would page root",
    ]
    assert answer["actions"][2]["detail"].startswith(f"would POST to {remote.url('/x')}")
    assert snapshot() == before  # type: ignore[operator]
    assert remote.received == []


def test_a_scheduled_workflow_reminds_open_p1s_at_its_time_in_its_zone(h: Harness) -> None:
    # The clock starts on Thursday 2026-01-15 at 09:00 UTC, 10:00 in Paris.
    flow = workflow(
        h,
        name="Hourly P1 reminder",
        trigger="schedule",
        trigger_value="30 * * * *",
        zone="Europe/Paris",
        conditions={"priorities": ["P1"]},
        actions=[{"kind": "add_note", "text": "Still open: time for a stakeholder update"}],
    )
    assert flow["next_at"].startswith("2026-01-15T09:30:00")
    major = declare(h, "Checkout down", impact=1, urgency=1)
    minor = declare(h, "Typo", impact=4, urgency=4)
    h.run_engine()
    assert timeline(h, major, "note") == []
    h.clock.advance(minutes=30)
    h.run_engine()
    h.run_engine()  # the same tick does not run twice
    assert [e.summary for e in timeline(h, major, "note")] == [
        "Still open: time for a stakeholder update"
    ]
    assert timeline(h, minor, "note") == []
    [run] = runs(h, flow["id"])
    assert run["entry_id"] is None
    assert run["matched"] == ["schedule 30 * * * * (Europe/Paris)", "priority is P1"]


def test_an_sla_breach_and_a_priority_change_each_trigger_their_workflow(h: Harness) -> None:
    workflow(
        h,
        name="Breach",
        trigger="sla_breach",
        actions=[{"kind": "add_note", "text": "SLA missed on {{ incident.priority }}"}],
    )
    workflow(
        h,
        name="Now P1",
        trigger="priority_changed",
        trigger_value="P1",
        actions=[{"kind": "add_task", "title": "Open a bridge"}],
    )
    number = declare(h, impact=2, urgency=2)
    h.client.patch(
        f"/api/v1/incidents/{number}", json={"impact": 1, "urgency": 1}, headers=bearer(h.admin)
    )
    h.run_engine()
    tasks = h.client.get(f"/api/v1/incidents/{number}/tasks", headers=bearer(h.admin)).json()
    assert [task["title"] for task in tasks] == ["Open a bridge"]
    assert timeline(h, number, "note") == []
    h.clock.advance(days=2)
    h.run_engine()
    notes = [e.summary for e in timeline(h, number, "note")]
    assert notes[0] == "SLA missed on P1"


def test_the_guard_is_asked_again_when_the_call_is_sent(h: Harness, remote: Endpoint) -> None:
    """Allowed when saved, refused when sent (the admin narrowed the networks, or the
    name now resolves elsewhere): the call is not made, and not retried."""
    flow = workflow(
        h,
        name="Inside",
        trigger="incident_opened",
        actions=[{"kind": "webhook", "url": remote.url("/inside")}],
    )
    links_that_work(h, h.settings.model_copy(update={"outbound_allow_cidrs": ""}))
    number = declare(h)
    h.run_engine()
    h.clock.advance(minutes=30)
    h.run_engine()
    assert remote.received == []
    [result] = timeline(h, number, "workflow_call")
    assert "not sent" in result.summary
    assert "127.0.0.1 is not allowed" in result.summary
    [run] = runs(h, flow["id"])
    assert run["results"][0]["ok"] is False


def test_reading_the_same_entries_again_runs_nothing_twice(h: Harness) -> None:
    from sqlalchemy import update

    from watchkeeper.response.workflows.models import WorkflowCursor

    flow = workflow(
        h, name="Once", trigger="incident_opened", actions=[{"kind": "add_note", "text": "hi"}]
    )
    number = declare(h)
    h.run_engine()
    with h.db.transaction() as session:
        session.execute(update(WorkflowCursor).values(entry_id=0))  # as if read again
    h.run_engine()
    assert len(runs(h, flow["id"])) == 1
    assert [e.summary for e in timeline(h, number, "note")] == ["hi"]
