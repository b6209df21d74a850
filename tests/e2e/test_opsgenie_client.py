"""Opsgenie's own Python client (`opsgenie-sdk`), configured as its documentation says
with only its host changed, against the real server: create with an alias, repeat it
(dedup), acknowledge, add a note, close, and read each request's status."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx2
import opsgenie_sdk
import pytest

from tests.e2e.peers import admin_token, api_client, create_integration, tail, wait_for
from tests.e2e.server import ServerProcess

pytestmark = pytest.mark.e2e

WAIT = 30.0


@pytest.fixture
def alert_api(server: ServerProcess, tmp_path: Path) -> Iterator[tuple[Any, httpx2.Client]]:
    with api_client(server, admin_token(tmp_path / "data")) as api:
        integration = create_integration(api, service="Storage", type_="generic")
        conf = opsgenie_sdk.configuration.Configuration()
        conf.api_key["Authorization"] = integration["key"]
        conf.api_key_prefix["Authorization"] = "GenieKey"
        conf.host = server.url
        client = opsgenie_sdk.api_client.ApiClient(configuration=conf)
        yield opsgenie_sdk.AlertApi(api_client=client), api


def _incident(api: httpx2.Client, server: ServerProcess, title: str, status: str) -> Any:
    def probe() -> dict[str, Any] | None:
        response = api.get("/api/v1/incidents", params={"limit": 100})
        assert response.status_code == 200, response.text
        for incident in response.json()["items"]:
            if incident["title"] == title and incident["status"] == status:
                found: dict[str, Any] = incident
                return found
        return None

    return wait_for(
        probe,
        what=f"a {status} incident {title!r}",
        timeout=WAIT,
        context=lambda: f"--- watchkeeper output:\n{tail(server.output)}",
    )


def test_the_official_client_creates_dedups_acknowledges_notes_and_closes(
    server: ServerProcess, alert_api: tuple[Any, httpx2.Client]
) -> None:
    alerts, api = alert_api
    payload = opsgenie_sdk.CreateAlertPayload(
        message="Disk 95% full on nas-1",
        alias="nas-1-disk",
        description="The backup volume is nearly full.",
        tags=["storage", "nas"],
        details={"volume": "/backup"},
        entity="nas-1",
        priority="P2",
        source="cron",
    )
    created = alerts.create_alert(create_alert_payload=payload)
    assert created.result == "Request will be processed"
    status = created.retrieve_result()
    assert status.data.is_success is True
    assert status.data.action == "Create"
    alert_id = status.data.alert_id

    repeat = alerts.create_alert(create_alert_payload=payload).retrieve_result()
    assert repeat.data.alert_id == alert_id  # one open alert per alias

    shown = alerts.get_alert(identifier="nas-1-disk", identifier_type="alias").data
    assert shown.id == alert_id
    assert shown.count == 2
    assert shown.priority == "P2"
    assert shown.tags == ["storage", "nas"]
    assert shown.details == {"volume": "/backup"}
    _incident(api, server, "Disk 95% full on nas-1", "triggered")

    ack = alerts.acknowledge_alert(
        identifier="nas-1-disk",
        identifier_type="alias",
        acknowledge_alert_payload=opsgenie_sdk.AcknowledgeAlertPayload(user="alice"),
    )
    assert ack.retrieve_result().data.is_success is True
    _incident(api, server, "Disk 95% full on nas-1", "acknowledged")

    note = alerts.add_note(
        identifier=shown.tiny_id,
        identifier_type="tiny",
        add_note_to_alert_payload=opsgenie_sdk.AddNoteToAlertPayload(
            user="alice", note="Rotating old snapshots"
        ),
    )
    assert alerts.get_request_status(request_id=note.request_id).data.is_success is True

    closed = alerts.close_alert(
        identifier=alert_id, close_alert_payload=opsgenie_sdk.CloseAlertPayload(user="alice")
    )
    closing = alerts.get_request_status(request_id=closed.request_id).data
    assert (closing.action, closing.is_success) == ("Close", True)
    _incident(api, server, "Disk 95% full on nas-1", "resolved")

    final = alerts.get_alert(identifier=alert_id).data
    assert final.status == "closed"
    assert final.acknowledged is True
    assert final.report.acknowledged_by == "alice"
    notes = alerts.list_notes(identifier=alert_id).data
    assert [n.note for n in notes] == ["Rotating old snapshots"]
    assert alerts.count_alerts(query="status:closed").data.count == 1
    assert [a.alias for a in alerts.list_alerts(query="tag: storage").data] == ["nas-1-disk"]


def test_the_official_client_sees_a_refusal(
    server: ServerProcess, alert_api: tuple[Any, httpx2.Client]
) -> None:
    alerts, _ = alert_api
    with pytest.raises(opsgenie_sdk.ApiException) as refused:
        alerts.get_alert(identifier="no-such-alias", identifier_type="alias")
    assert refused.value.status == 404
