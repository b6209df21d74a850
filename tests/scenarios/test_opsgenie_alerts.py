"""Stories of the Opsgenie Alert API drop-in: what a script or monitor written for
Opsgenie does, answered as Opsgenie answers, and paged as Watchkeeper pages."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from httpx2 import Response

from tests.scenarios.harness import Harness


class Genie:
    """What an Opsgenie client sends: `GenieKey` auth, JSON bodies, `identifierType`."""

    def __init__(self, h: Harness, service: str = "web") -> None:
        self.h = h
        self.headers = {"Authorization": f"GenieKey {h.key('generic', service)}"}

    def create(self, **body: Any) -> Response:
        return self.h.client.post("/v2/alerts", json=body, headers=self.headers)

    def act(self, identifier: str, action: str, body: Any = None, **params: str) -> Response:
        return self.h.client.post(
            f"/v2/alerts/{identifier}/{action}", json=body, params=params, headers=self.headers
        )

    def delete(self, identifier: str, what: str, **params: str) -> Response:
        return self.h.client.delete(
            f"/v2/alerts/{identifier}/{what}", params=params, headers=self.headers
        )

    def get(self, path: str, **params: str) -> Any:
        response = self.h.client.get(f"/v2/alerts{path}", params=params, headers=self.headers)
        assert response.status_code == 200, response.text
        return response.json()["data"]

    def status(self, response: Response) -> dict[str, Any]:
        assert response.status_code == 202, response.text
        data: dict[str, Any] = self.get(f"/requests/{response.json()['requestId']}")
        return data

    def alert(self, alias: str) -> dict[str, Any]:
        data: dict[str, Any] = self.get(f"/{alias}", identifierType="alias")
        return data


@pytest.fixture
def genie(h: Harness) -> Genie:
    return Genie(h)


def test_a_created_alert_answers_as_opsgenie_and_opens_an_incident(
    h: Harness, genie: Genie
) -> None:
    response = genie.create(
        message="Disk full on db-1",
        alias="db-1/disk",
        description="Only 2% left on /var",
        priority="P1",
        tags=["db", "disk"],
        details={"host": "db-1", "free": 2},
        source="nagios",
        entity="db-1",
    )
    assert response.status_code == 202
    body = response.json()
    assert body["result"] == "Request will be processed"
    assert isinstance(body["took"], float)
    status = genie.status(response)
    assert status["isSuccess"] is True
    assert status["action"] == "Create"
    assert status["alias"] == "db-1/disk"

    h.run_engine()
    [incident] = h.incidents()
    assert incident.title == "Disk full on db-1"
    assert incident.urgency == 1  # P1 is critical
    [alert] = h.alerts()
    assert alert.fingerprint == "db-1/disk"
    assert alert.labels["tags"] == "db,disk"
    assert alert.details["description"] == "Only 2% left on /var"

    shown = genie.alert("db-1/disk")
    assert shown["id"] == status["alertId"]
    assert shown["message"] == "Disk full on db-1"
    assert shown["status"] == "open"
    assert shown["priority"] == "P1"
    assert shown["details"] == {"host": "db-1", "free": "2"}
    assert genie.get(f"/{shown['tinyId']}", identifierType="tiny")["id"] == shown["id"]
    assert genie.get(f"/{shown['id']}")["alias"] == "db-1/disk"


def test_a_repeat_with_the_same_alias_only_counts(h: Harness, genie: Genie) -> None:
    first = genie.status(genie.create(message="CPU hot", alias="cpu"))
    second = genie.status(genie.create(message="CPU still hot", alias="cpu"))
    assert second["alertId"] == first["alertId"]
    assert second["status"] == "Alert is deduplicated"
    h.run_engine()
    assert len(h.incidents()) == 1
    assert h.alerts()[0].count == 2
    shown = genie.alert("cpu")
    assert shown["count"] == 2
    assert shown["message"] == "CPU hot"
    assert genie.get("/count", query="status: open") == {"count": 1}


def test_acknowledge_and_close_by_alias_stop_the_page_and_resolve(h: Harness, genie: Genie) -> None:
    genie.create(message="Queue backlog", alias="mq")
    h.run_engine()
    ack = genie.status(
        genie.act("mq", "acknowledge", {"user": "alice", "note": "on it"}, identifierType="alias")
    )
    assert ack["isSuccess"] is True
    h.run_engine()
    assert h.incidents()[0].status == "acknowledged"
    assert genie.alert("mq")["acknowledged"] is True
    assert genie.alert("mq")["report"]["acknowledgedBy"] == "alice"

    genie.status(genie.act("mq", "close", {"source": "script"}, identifierType="alias"))
    h.run_engine()
    assert h.incidents()[0].status == "resolved"
    assert genie.alert("mq")["status"] == "closed"
    notes = genie.get("/mq/notes", identifierType="alias")
    assert [(n["note"], n["owner"]) for n in notes] == [("on it", "alice")]


def test_after_close_the_same_alias_opens_a_new_alert(h: Harness, genie: Genie) -> None:
    first = genie.status(genie.create(message="Flaky", alias="flaky"))
    genie.act("flaky", "close", identifierType="alias")
    second = genie.status(genie.create(message="Flaky again", alias="flaky"))
    assert second["alertId"] != first["alertId"]
    assert genie.alert("flaky")["id"] == second["alertId"]
    assert genie.get("/count", query="alias: flaky") == {"count": 2}


def test_an_action_on_a_missing_alert_is_accepted_and_fails_in_its_status(
    genie: Genie,
) -> None:
    status = genie.status(genie.act("nope", "acknowledge", identifierType="alias"))
    assert status["isSuccess"] is False
    assert status["status"] == "Alert does not exist"


def test_tags_details_notes_snooze_assign_and_unacknowledge(h: Harness, genie: Genie) -> None:
    genie.create(message="Latency", alias="lat", tags=["web"])
    genie.status(genie.act("lat", "tags", {"tags": ["eu", "web"]}, identifierType="alias"))
    genie.status(genie.act("lat", "details", {"details": {"p99": "2s"}}, identifierType="alias"))
    genie.status(
        genie.act("lat", "notes", {"note": "looking", "user": "bob"}, identifierType="alias")
    )
    until = (h.clock.now() + timedelta(hours=1)).isoformat()
    genie.status(genie.act("lat", "snooze", {"endTime": until}, identifierType="alias"))
    genie.status(
        genie.act(
            "lat", "assign", {"owner": {"username": "bob@example.com"}}, identifierType="alias"
        )
    )
    genie.status(genie.act("lat", "acknowledge", identifierType="alias"))
    genie.status(genie.act("lat", "unacknowledge", identifierType="alias"))
    shown = genie.alert("lat")
    assert shown["tags"] == ["web", "eu"]
    assert shown["details"] == {"p99": "2s"}
    assert shown["snoozed"] is True
    assert shown["owner"] == "bob@example.com"
    assert shown["acknowledged"] is False

    genie.status(genie.delete("lat", "tags", tags="web", identifierType="alias"))
    genie.status(genie.delete("lat", "details", keys="p99", identifierType="alias"))
    shown = genie.alert("lat")
    assert shown["tags"] == ["eu"]
    assert shown["details"] == {}
    h.clock.advance(timedelta(hours=2))
    assert genie.alert("lat")["snoozed"] is False


def test_list_and_count_read_opsgenie_queries(genie: Genie) -> None:
    genie.create(message="db down", alias="a", priority="P1", tags=["db"])
    genie.create(message="web slow", alias="b", priority="P3", tags=["web"])
    genie.create(message="db slow", alias="c", priority="P2", tags=["db", "slow"])
    genie.act("c", "close", identifierType="alias")

    def aliases(query: str, **params: str) -> list[str]:
        return [alert["alias"] for alert in genie.get("", query=query, **params)]

    assert aliases("") == ["c", "b", "a"]
    assert aliases("status: open") == ["b", "a"]
    assert aliases("tag: db AND status = closed") == ["c"]
    assert aliases("tag:db OR priority:P3", order="asc") == ["a", "b", "c"]
    assert aliases("NOT tag: db") == ["b"]
    assert aliases("message: slow") == ["c", "b"]
    assert aliases("alias: a*") == ["a"]
    assert aliases("(priority: P1 OR priority: P2) status: open") == ["a"]
    assert aliases("", limit="1", offset="1") == ["b"]
    assert genie.get("/count", query="tag: db") == {"count": 2}


def test_refusals_answer_in_opsgenie_shape_and_change_nothing(
    h: Harness, genie: Genie, snapshot: Any
) -> None:
    genie.create(message="kept", alias="kept")
    before = snapshot()
    refused = genie.create(alias="x")
    assert refused.status_code == 422
    assert refused.json()["errors"] == {"message": "is required"}
    assert "requestId" in refused.json()
    assert genie.create(message="m", priority="P9").status_code == 422
    assert genie.act("kept", "snooze", {"endTime": "yesterday"}).status_code == 422
    assert genie.act("kept", "close", identifierType="name").status_code == 422
    bad_query = h.client.get("/v2/alerts", params={"query": "colour: red"}, headers=genie.headers)
    assert bad_query.status_code == 422
    assert "colour" in bad_query.json()["message"]
    assert snapshot() == before


def test_a_wrong_key_is_not_found(h: Harness, genie: Genie) -> None:
    wrong = {"Authorization": "GenieKey wk_int_wrong"}
    assert h.client.post("/v2/alerts", json={"message": "x"}, headers=wrong).status_code == 404
    assert h.client.post("/v2/alerts", json={"message": "x"}).status_code == 404
    other = h.key("pagerduty")
    response = h.client.post(
        "/v2/alerts", json={"message": "x"}, headers={"Authorization": f"GenieKey {other}"}
    )
    assert response.status_code == 404
    assert h.client.get("/v2/alerts", headers=wrong).status_code == 404


def test_a_key_sees_only_its_own_services_alerts(h: Harness, genie: Genie) -> None:
    genie.create(message="web alert", alias="same")
    other = Genie(h, service="billing")
    other.create(message="billing alert", alias="same")
    assert [a["message"] for a in genie.get("")] == ["web alert"]
    assert other.alert("same")["message"] == "billing alert"
    h.run_engine()
    assert len(h.incidents()) == 2


def test_updates_change_message_description_and_priority(h: Harness, genie: Genie) -> None:
    genie.create(message="Old", alias="u")
    for field, value in (("message", "New"), ("description", "Why"), ("priority", "P2")):
        response = h.client.put(
            f"/v2/alerts/u/{field}",
            params={"identifierType": "alias"},
            json={field: value},
            headers=genie.headers,
        )
        assert genie.status(response)["isSuccess"] is True
    shown = genie.alert("u")
    assert (shown["message"], shown["description"], shown["priority"]) == ("New", "Why", "P2")


def test_request_statuses_go_with_the_raw_payloads(h: Harness, genie: Genie) -> None:
    created = genie.create(message="Old news", alias="old")
    request_id = created.json()["requestId"]
    h.clock.advance(timedelta(days=h.settings.raw_payload_retention_days + 1))
    h.run_engine_once()
    gone = h.client.get(f"/v2/alerts/requests/{request_id}", headers=genie.headers)
    assert gone.status_code == 404
    assert genie.alert("old")["message"] == "Old news"
