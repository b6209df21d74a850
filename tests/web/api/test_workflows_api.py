"""Workflows through the API: what is refused on save (with a clear problem and nothing
changed), and what a saved workflow looks like."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import Snapshot
from tests.factories import Person, bearer

NOTE = {"kind": "add_note", "text": "hello"}


def _body(**fields: Any) -> dict[str, Any]:
    return {"name": "Rule", "trigger": "incident_opened", "actions": [NOTE], **fields}


def _refused(client: TestClient, admin: Person, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/api/v1/workflows", json=body, headers=bearer(admin))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return dict(response.json())


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (_body(actions=[{"kind": "add_note", "text": "{{ incident.nope }}"}]), "nope"),
        (_body(actions=[{"kind": "add_note", "text": "{% if %}"}]), "does not render"),
        (_body(actions=[{"kind": "add_note", "text": "{{ 9**9**9 }}"}]), "not allowed"),
        (_body(actions=[{"kind": "add_note", "text": "{{ 1 / 0 }}"}]), "division by zero"),
        (_body(actions=[{"kind": "add_note", "text": "{{ ''.__class__ }}"}]), "unsafe"),
        (_body(actions=[{"kind": "webhook", "url": "http://[::1/x"}]), "not a valid URL"),
        (_body(actions=[{"kind": "webhook", "url": "https://a.example", "body": "{ x"}]), "JSON"),
        (_body(actions=[{"kind": "webhook", "url": "http://10.1.2.3/hook"}]), "not allowed"),
        (_body(actions=[{"kind": "webhook", "url": "http://169.254.169.254/"}]), "not allowed"),
        (_body(actions=[{"kind": "remediation", "url": "ftp://a.example/x"}]), "https://"),
        (
            _body(conditions={"hours": {"zone": "Mars/Olympus", "start": "09:00", "end": "17:00"}}),
            "time zone",
        ),
        (_body(conditions={"hours": {"zone": "UTC", "start": "9am", "end": "17:00"}}), "HH:MM"),
        (_body(conditions={"labels": [{"name": "a", "op": "=~", "value": "("}]}), "regular"),
        (_body(conditions={"service_ids": [999]}), "no service 999"),
        (_body(trigger="priority_changed", trigger_value="P9"), "P1 to P5"),
        (_body(trigger="status_changed", trigger_value="gone"), "status_changed"),
        (_body(trigger="schedule", trigger_value="61 * * * *"), "does not parse"),
        (_body(trigger="schedule", trigger_value="0 9 * * mon", zone="Moon/Base"), "time zone"),
        (_body(actions=[]), "at least 1"),
        (_body(actions=[{"kind": "set_fields"}]), "at least one field"),
        (_body(actions=[{"kind": "add_responders"}]), "user, team or schedule"),
        (_body(name="   "), "cannot be blank"),
    ],
)
def test_a_workflow_that_could_not_work_is_refused_and_changes_nothing(
    client: TestClient, admin: Person, snapshot: Snapshot, body: dict[str, Any], said: str
) -> None:
    before = snapshot()
    problem = _refused(client, admin, body)
    assert said in str(problem), problem
    assert snapshot() == before


def test_a_change_that_breaks_a_template_is_refused_and_the_workflow_kept(
    client: TestClient, admin: Person, snapshot: Snapshot
) -> None:
    made = client.post("/api/v1/workflows", json=_body(), headers=bearer(admin)).json()
    before = snapshot()
    changed = client.patch(
        f"/api/v1/workflows/{made['id']}",
        json={"actions": [{"kind": "add_task", "title": "{{ missing }}"}]},
        headers=bearer(admin),
    )
    assert changed.status_code == 422, changed.text
    assert changed.json()["errors"][0]["location"] == "body.actions.0.title"
    assert snapshot() == before


def test_a_saved_workflow_shows_its_secret_once(client: TestClient, admin: Person) -> None:
    made = client.post("/api/v1/workflows", json=_body(), headers=bearer(admin))
    assert made.status_code == 201, made.text
    assert made.json()["secret"].startswith("whsec_")
    shown = client.get(made.headers["Location"], headers=bearer(admin)).json()
    assert "secret" not in shown
    assert shown["actions"] == [NOTE]
    assert client.get("/api/v1/workflows", headers=bearer(admin)).json()[0]["name"] == "Rule"


def test_only_admins_make_workflows(client: TestClient, responder: Person) -> None:
    response = client.post("/api/v1/workflows", json=_body(), headers=bearer(responder))
    assert response.status_code == 403


def test_a_second_workflow_of_the_same_name_is_a_conflict(
    client: TestClient, admin: Person
) -> None:
    client.post("/api/v1/workflows", json=_body(), headers=bearer(admin))
    again = client.post("/api/v1/workflows", json=_body(), headers=bearer(admin))
    assert again.status_code == 409
