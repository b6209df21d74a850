"""Debian's Alertmanager with its `opsgenie_configs` receiver pointed at the real server
(`api_url`): a firing alert opens an incident through the Opsgenie drop-in, and its
resolution closes the Opsgenie alert by alias and resolves the incident."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2
import pytest

from tests.e2e.peers import (
    AlertmanagerProcess,
    admin_token,
    amtool,
    api_client,
    create_integration,
    require_alertmanager,
    start_alertmanager,
    tail,
    wait_for,
)
from tests.e2e.server import ServerProcess, start_server

pytestmark = pytest.mark.e2e

WAIT = 60.0


def opsgenie_receiver(api_url: str, key: str) -> str:
    return f"""\
route:
  receiver: watchkeeper
  group_by: ['alertname']
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: watchkeeper
    opsgenie_configs:
      - api_key: '{key}'
        api_url: '{api_url}/'
        send_resolved: true
        priority: P1
        tags: 'storage,eu'
"""


def _wait(what: str, probe: Any, server: ServerProcess, alertmanager: AlertmanagerProcess) -> Any:
    def context() -> str:
        return (
            f"--- watchkeeper output:\n{tail(server.output)}\n"
            f"--- alertmanager output:\n{tail(alertmanager.output)}"
        )

    return wait_for(probe, what=what, timeout=WAIT, context=context)


def _incident(api: httpx2.Client, status: str) -> Any:
    def probe() -> dict[str, Any] | None:
        items = api.get("/api/v1/incidents", params={"limit": 100}).json()["items"]
        return next((i for i in items if i["status"] == status), None)

    return probe


def test_alertmanagers_opsgenie_receiver_opens_and_closes_through_the_drop_in(
    tmp_path: Path,
) -> None:
    require_alertmanager()
    data = tmp_path / "data"
    server = start_server(data)
    alertmanager: AlertmanagerProcess | None = None
    try:
        with api_client(server, admin_token(data)) as api:
            integration = create_integration(api, service="Storage", type_="generic")
            alertmanager = start_alertmanager(
                tmp_path / "alertmanager",
                config_text=opsgenie_receiver(server.url, integration["key"]),
            )
            genie = {"Authorization": f"GenieKey {integration['key']}"}
            amtool(
                alertmanager,
                "alert",
                "add",
                "alertname=VolumeFull",
                "severity=critical",
                "--annotation=summary=Backup volume is 97% full",
                f"--start={(datetime.now(UTC) - timedelta(minutes=1)).isoformat()}",
            )
            incident = _wait(
                "a triggered incident", _incident(api, "triggered"), server, alertmanager
            )
            assert "VolumeFull" in incident["title"]
            assert incident["urgency"] == 1  # the receiver's P1

            listed = httpx2.get(f"{server.url}/v2/alerts", headers=genie).json()["data"]
            [alert] = listed
            assert alert["status"] == "open"
            assert alert["priority"] == "P1"
            assert sorted(alert["tags"]) == ["eu", "storage"]

            amtool(
                alertmanager,
                "alert",
                "add",
                "alertname=VolumeFull",
                "severity=critical",
                "--annotation=summary=Backup volume is 97% full",
                f"--start={(datetime.now(UTC) - timedelta(minutes=1)).isoformat()}",
                f"--end={datetime.now(UTC).isoformat()}",
            )
            _wait("the incident resolved", _incident(api, "resolved"), server, alertmanager)
            closed = httpx2.get(
                f"{server.url}/v2/alerts/{alert['alias']}",
                params={"identifierType": "alias"},
                headers=genie,
            ).json()["data"]
            assert closed["status"] == "closed"
    finally:
        if alertmanager is not None:
            alertmanager.stop()
        server.stop()
