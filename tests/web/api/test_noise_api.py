"""`/api/v1` routing rules, silences, maintenance windows, inhibition rules, the rules test;
and, through the scenario harness, that each of them really acts on posted alerts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from tests.conftest import START, Snapshot
from tests.factories import Person, bearer
from tests.scenarios.harness import Harness
from watchkeeper.core.clock import FrozenClock
from watchkeeper.db.session import Database
from watchkeeper.settings import Settings

RULES, SILENCES = "/api/v1/routing-rules", "/api/v1/silences"
WINDOWS, INHIBITIONS = "/api/v1/maintenance-windows", "/api/v1/inhibition-rules"
HOUR = timedelta(hours=1)


@pytest.fixture
def h(
    client: TestClient, db: Database, clock: FrozenClock, settings: Settings, admin: Person
) -> Harness:
    return Harness(client=client, db=db, clock=clock, settings=settings, admin=admin)


def am(*labels: dict[str, str]) -> dict[str, Any]:
    """An Alertmanager webhook with one firing alert per label set."""
    alerts = [{"status": "firing", "labels": dict(item)} for item in labels]
    return {"version": "4", "status": "firing", "alerts": alerts}


def _service(client: TestClient, admin: Person, name: str = "Web") -> int:
    response = client.post("/api/v1/services", json={"name": name}, headers=bearer(admin))
    assert response.status_code == 201, response.text
    return int(response.json()["id"])


def _create(client: TestClient, who: Person, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post(path, json=body, headers=bearer(who))
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"{path}/{response.json()['id']}"
    created: dict[str, Any] = response.json()
    return created


def _silence_body(**fields: Any) -> dict[str, Any]:
    ends = (START + HOUR).isoformat()
    return {"matchers": ['alertname="Disk"'], "ends_at": ends, "comment": "swap", **fields}


def test_routing_rules_are_ordered_changed_moved_and_deleted(
    client: TestClient, admin: Person, viewer: Person
) -> None:
    first = _create(client, admin, RULES, {"name": "first", "matchers": ['team="db"']})
    second = _create(client, admin, RULES, {"name": "second", "set_impact": 2})
    _create(client, admin, RULES, {"name": "zeroth", "position": 1})
    names = [rule["name"] for rule in client.get(RULES, headers=bearer(viewer)).json()]
    assert names == ["zeroth", "first", "second"]
    assert first["matchers"] == [{"name": "team", "op": "=", "value": "db"}]
    moved = client.post(f"{RULES}/{second['id']}/move", json={"position": 1}, headers=bearer(admin))
    assert moved.json()["position"] == 1
    url = f"{RULES}/{first['id']}"
    changed = client.patch(url, json={"enabled": False, "set_urgency": 1}, headers=bearer(admin))
    assert (changed.json()["enabled"], changed.json()["set_urgency"]) == (False, 1)
    assert client.get(url, headers=bearer(viewer)).json()["name"] == "first"
    assert client.delete(url, headers=bearer(admin)).status_code == 204
    assert client.get(url, headers=bearer(admin)).status_code == 404
    listed = client.get(RULES, headers=bearer(viewer)).json()
    assert [(rule["position"], rule["name"]) for rule in listed] == [(1, "second"), (2, "zeroth")]


def test_silences_are_created_listed_and_expired(
    client: TestClient, clock: FrozenClock, responder: Person, viewer: Person
) -> None:
    objects = [{"name": "alertname", "op": "=~", "value": "Disk.*"}]
    silence = _create(client, responder, SILENCES, _silence_body(matchers=objects))
    assert (silence["state"], silence["created_by_id"]) == ("active", responder.id)
    assert silence["starts_at"].startswith("2026-01-15T09:00:00")
    url = f"{SILENCES}/{silence['id']}"
    assert client.delete(url, headers=bearer(viewer)).status_code == 403
    clock.advance(minutes=5)
    assert client.delete(url, headers=bearer(responder)).status_code == 204
    assert client.get(url, headers=bearer(viewer)).json()["state"] == "expired"
    active = client.get(SILENCES, headers=bearer(viewer)).json()
    assert active["items"] == []
    expired = client.get(SILENCES, params={"state": "expired"}, headers=bearer(viewer)).json()
    assert [item["id"] for item in expired["items"]] == [silence["id"]]
    assert expired["items"][0]["ends_at"].startswith("2026-01-15T09:05:00")


def test_maintenance_windows_show_whether_they_are_active_and_when_they_start(
    client: TestClient, admin: Person, responder: Person, viewer: Person
) -> None:
    web, api = _service(client, admin, "Web"), _service(client, admin, "API")
    weekly = {"weekdays": [3], "start_time": "10:00", "duration_minutes": 90}
    window = _create(
        client, responder, WINDOWS, {"service_id": web, "name": "db patching", **weekly}
    )
    assert (window["active"], window["next_start_at"]) == (False, "2026-01-15T10:00:00Z")
    once = {"starts_at": START.isoformat(), "ends_at": (START + HOUR).isoformat()}
    other = _create(client, responder, WINDOWS, {"service_id": api, "name": "move", **once})
    assert (other["active"], other["next_start_at"]) == (True, None)
    mine = client.get(WINDOWS, params={"service_id": api}, headers=bearer(viewer)).json()
    assert [item["id"] for item in mine] == [other["id"]]
    url = f"{WINDOWS}/{window['id']}"
    assert client.get(url, headers=bearer(viewer)).json()["name"] == "db patching"
    assert client.delete(url, headers=bearer(responder)).status_code == 204
    assert [item["id"] for item in client.get(WINDOWS, headers=bearer(viewer)).json()] == [
        other["id"]
    ]


def test_inhibition_rules_are_created_changed_and_deleted(
    client: TestClient, admin: Person, viewer: Person
) -> None:
    body = {
        "name": "node down",
        "source_matchers": ['alertname="NodeDown"'],
        "target_matchers": ['severity="warning"'],
        "equal": ["instance"],
    }
    rule = _create(client, admin, INHIBITIONS, body)
    url = f"{INHIBITIONS}/{rule['id']}"
    changed = client.patch(url, json={"equal": ["cluster"]}, headers=bearer(admin)).json()
    assert (changed["equal"], changed["name"]) == (["cluster"], "node down")
    assert [item["id"] for item in client.get(INHIBITIONS, headers=bearer(viewer)).json()] == [
        rule["id"]
    ]
    assert client.delete(url, headers=bearer(admin)).status_code == 204
    assert client.get(url, headers=bearer(viewer)).status_code == 404


@pytest.mark.parametrize(
    ("role", "method", "path", "body", "status"),
    [
        ("responder", "POST", RULES, {"name": "r"}, 403),
        ("admin", "POST", RULES, {"name": "r", "drop": True, "suppress": True}, 422),
        ("admin", "POST", RULES, {"name": "r", "matchers": ["team=db"]}, 422),
        ("admin", "POST", RULES, {"name": "r", "set_service_id": 99}, 422),
        ("admin", "PATCH", RULES + "/1", {"name": None}, 422),
        ("admin", "POST", RULES + "/1/move", {"position": 0}, 422),
        ("viewer", "POST", SILENCES, _silence_body(), 403),
        ("responder", "POST", SILENCES, _silence_body(matchers=[]), 422),
        ("responder", "POST", SILENCES, _silence_body(ends_at="2026-04-15T09:00:01Z"), 422),
        ("responder", "POST", SILENCES, _silence_body(ends_at="2026-01-15T08:00:00Z"), 422),
        ("responder", "POST", SILENCES, _silence_body(ends_at="2026-01-15T10:00:00"), 422),
        ("responder", "POST", SILENCES, _silence_body(matchers=['x=~".*"']), 422),
        ("responder", "DELETE", SILENCES + "/99", None, 404),
        ("responder", "POST", WINDOWS, {"service_id": 1, "name": "w"}, 422),
        ("responder", "POST", WINDOWS, {"service_id": 99, "name": "w", "weekdays": [1]}, 422),
        (
            "responder",
            "POST",
            WINDOWS,
            {"service_id": 1, "name": "w", "weekdays": [1], "start_time": "01:00"},
            422,
        ),
        (
            "responder",
            "POST",
            WINDOWS,
            {
                "service_id": 1,
                "name": "w",
                "weekdays": [1],
                "start_time": "01:00",
                "duration_minutes": 60,
                "time_zone": "Europe/Nowhere",
            },
            422,
        ),
        ("responder", "POST", INHIBITIONS, {"name": "i"}, 403),
        ("admin", "POST", INHIBITIONS, {"name": "i", "source_matchers": []}, 422),
        ("responder", "DELETE", INHIBITIONS + "/1", None, 403),
        ("viewer", "POST", "/api/v1/rules/test", {"type": "nagios"}, 422),
    ],
)
def test_refused_changes_change_nothing(
    client: TestClient,
    snapshot: Snapshot,
    admin: Person,
    responder: Person,
    viewer: Person,
    role: str,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    status: int,
) -> None:
    web = _service(client, admin)
    rule = _create(client, admin, RULES, {"name": "keep", "matchers": ['team="db"']})
    _create(client, admin, INHIBITIONS, {**_inhibition_body(), "name": "keep"})
    assert (web, rule["id"]) == (1, 1)
    before = snapshot()
    who = {"admin": admin, "responder": responder, "viewer": viewer}[role]
    response = client.request(method, path, json=body, headers=bearer(who))
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert snapshot() == before


def _inhibition_body() -> dict[str, Any]:
    return {
        "name": "node down",
        "source_matchers": ['alertname="NodeDown"'],
        "target_matchers": ['severity="warning"'],
        "equal": ["instance"],
    }


def test_the_rules_test_says_which_rules_match_and_what_would_happen(
    client: TestClient, admin: Person, viewer: Person, snapshot: Snapshot
) -> None:
    web = _service(client, admin)
    _create(client, admin, RULES, {"name": "batch", "matchers": ['job="batch"'], "drop": True})
    sample = am({"alertname": "Disk", "job": "batch"}, {"alertname": "CPU"})
    before = snapshot()
    body = {"type": "alertmanager", "service_id": web, "payload": sample}
    response = client.post("/api/v1/rules/test", json=body, headers=bearer(viewer))
    assert response.status_code == 200, response.text
    dropped, paged = response.json()["events"]
    assert [rule["name"] for rule in dropped["routing"]["rules"]] == ["batch"]
    assert (dropped["verdict"], paged["verdict"]) == ("dropped", "page")
    assert paged["labels"] == {
        "alertname": "CPU",
        "action": "trigger",
        "severity": "error",
        "source": "",
        "summary": "CPU",
        "service": "web",
    }
    assert snapshot() == before


def test_the_rules_test_takes_a_pagerduty_event_without_its_routing_key(
    client: TestClient, admin: Person
) -> None:
    web = _service(client, admin)
    details = {"summary": "Disk full", "source": "db-1", "severity": "critical"}
    event = {"event_action": "trigger", "dedup_key": "k1", "payload": details}
    body = {"type": "pagerduty", "service_id": web, "payload": event}
    response = client.post("/api/v1/rules/test", json=body, headers=bearer(admin))
    [explained] = response.json()["events"]
    assert (explained["fingerprint"], explained["urgency"], explained["verdict"]) == (
        "k1",
        1,
        "page",
    )


def test_the_rules_test_names_the_bad_field_of_the_payload(
    client: TestClient, admin: Person
) -> None:
    web = _service(client, admin)
    body = {"type": "alertmanager", "service_id": web, "payload": {"version": "4"}}
    response = client.post("/api/v1/rules/test", json=body, headers=bearer(admin))
    assert response.status_code == 422
    assert response.json()["errors"][0]["location"] == "body.payload.alerts"


# End to end: rules made through the API act on alerts posted to an integration.


def test_a_silence_keeps_a_matching_alert_from_paging(h: Harness) -> None:
    h.service("web")
    _create(h.client, h.admin, SILENCES, _silence_body())
    h.post("alertmanager", am({"alertname": "Disk"}, {"alertname": "CPU"}))
    h.run_engine()
    disk, cpu = h.alerts()
    assert disk.suppressed_reason == "silenced by silence #1"
    assert (disk.incident_id, cpu.suppressed_reason) == (None, None)
    assert [incident.id for incident in h.incidents()] == [cpu.incident_id]


def test_a_maintenance_window_holds_alerts_back_only_while_it_lasts(h: Harness) -> None:
    web = h.service("web")
    once = {"starts_at": START.isoformat(), "ends_at": (START + HOUR).isoformat()}
    _create(h.client, h.admin, WINDOWS, {"service_id": web, "name": "upgrade", **once})
    h.post("alertmanager", am({"alertname": "Disk"}))
    h.run_engine()
    h.clock.advance(hours=2)
    h.post("alertmanager", am({"alertname": "CPU"}))
    h.run_engine()
    during, after = h.alerts()
    assert (during.suppressed_reason, during.incident_id) == (
        "in maintenance window 'upgrade'",
        None,
    )
    assert after.suppressed_reason is None
    assert [incident.id for incident in h.incidents()] == [after.incident_id]


def test_an_open_source_alert_inhibits_a_target_with_equal_labels(h: Harness) -> None:
    h.service("web")
    _create(h.client, h.admin, INHIBITIONS, _inhibition_body())
    h.post("alertmanager", am({"alertname": "NodeDown", "instance": "db-1"}))
    h.run_engine()
    h.post(
        "alertmanager",
        am(
            {"alertname": "Latency", "severity": "warning", "instance": "db-1"},
            {"alertname": "Latency", "severity": "warning", "instance": "db-2"},
        ),
    )
    h.run_engine()
    source, inhibited, elsewhere = h.alerts()
    assert inhibited.suppressed_reason == f"inhibited by alert #{source.id} (rule 'node down')"
    assert elsewhere.suppressed_reason is None
    assert len(h.incidents()) == 2


def test_a_drop_rule_keeps_no_alert_at_all(h: Harness) -> None:
    h.service("web")
    _create(h.client, h.admin, RULES, {"name": "noise", "matchers": ['job="batch"'], "drop": True})
    h.post("alertmanager", am({"alertname": "Slow", "job": "batch"}))
    h.run_engine()
    assert (h.alerts(), h.incidents()) == ([], [])


def test_a_routing_rule_sets_impact_and_urgency_and_so_the_priority(h: Harness) -> None:
    h.service("web")
    body = {"name": "db", "matchers": ['team="db"'], "set_impact": 1, "set_urgency": 1}
    _create(h.client, h.admin, RULES, body)
    h.post("alertmanager", am({"alertname": "Replication", "team": "db", "severity": "info"}))
    h.post("alertmanager", am({"alertname": "Replication", "team": "web", "severity": "info"}))
    h.run_engine()
    routed, plain = h.incidents()
    assert (routed.impact, routed.urgency, routed.priority) == (1, 1, 1)
    # No rule: the service's default impact (1) and the urgency of severity info (4).
    assert (plain.impact, plain.urgency, plain.priority) == (1, 4, 4)
