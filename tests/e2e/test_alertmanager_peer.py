"""Debian's Prometheus Alertmanager as a real peer: alerts fired with amtool reach the real
server through a `webhook_configs` receiver, open incidents, and resolve them."""

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
LATENCY = {
    "alertname": "CheckoutLatencyHigh",
    "severity": "critical",
    "instance": "checkout-1:9100",
    "job": "checkout",
}
ERRORS = {
    "alertname": "CheckoutErrorsHigh",
    "severity": "warning",
    "instance": "checkout-2:9100",
    "job": "checkout",
}


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _labels(labels: dict[str, str]) -> list[str]:
    return [f"{name}={value}" for name, value in labels.items()]


class Peers:
    """The server, Alertmanager and an API client, with what a failure message needs."""

    def __init__(
        self, server: ServerProcess, alertmanager: AlertmanagerProcess, api: httpx2.Client
    ) -> None:
        self.server = server
        self.alertmanager = alertmanager
        self.api = api

    def context(self) -> str:
        return (
            f"--- watchkeeper output:\n{tail(self.server.output)}\n"
            f"--- alertmanager output:\n{tail(self.alertmanager.output)}"
        )

    def incidents(self) -> list[dict[str, Any]]:
        response = self.api.get("/api/v1/incidents", params={"limit": 100})
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items

    def incident_titled(self, title: str, status: str) -> dict[str, Any]:
        def probe() -> dict[str, Any] | None:
            for incident in self.incidents():
                if incident["title"] == title and incident["status"] == status:
                    return incident
            return None

        return wait_for(
            probe,
            what=f"a {status} incident {title!r} (incidents now: {self.summary()})",
            timeout=WAIT,
            context=self.context,
        )

    def summary(self) -> str:
        return ", ".join(f"#{i['number']} {i['title']!r} {i['status']}" for i in self.incidents())

    def alerts_of(self, incident_id: int) -> list[dict[str, Any]]:
        response = self.api.get("/api/v1/alerts", params={"incident_id": incident_id})
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items


def test_alerts_fired_with_amtool_open_incidents_and_resolve_them(tmp_path: Path) -> None:
    require_alertmanager()
    data = tmp_path / "data"
    server = start_server(data)
    alertmanager: AlertmanagerProcess | None = None
    try:
        token = admin_token(data)
        with api_client(server, token) as api:
            integration = create_integration(api, service="Checkout", type_="alertmanager")
            alertmanager = start_alertmanager(tmp_path / "alertmanager", integration["url"])
            peers = Peers(server, alertmanager, api)
            started = datetime.now(UTC) - timedelta(minutes=5)
            runbook = "https://runbooks.example.com/checkout/latency"
            amtool(
                alertmanager,
                "alert",
                "add",
                *_labels(LATENCY),
                "--annotation=summary=Checkout p99 latency is 2.31s",
                f"--annotation=runbook_url={runbook}",
                "--generator-url=http://prometheus.example.com/graph?g0.expr=latency",
                f"--start={_rfc3339(started)}",
            )
            amtool(
                alertmanager,
                "alert",
                "add",
                *_labels(ERRORS),
                "--annotation=summary=Checkout 5xx ratio is 7%",
                f"--start={_rfc3339(started)}",
            )

            # One group per alert: each alert is its own incident, opened by an alert.
            latency = peers.incident_titled("Checkout p99 latency is 2.31s", "triggered")
            errors = peers.incident_titled("Checkout 5xx ratio is 7%", "triggered")
            assert latency["source"] == "alert"
            assert latency["service_id"] == integration["service_id"]
            assert (latency["urgency"], errors["urgency"]) == (1, 3)  # critical, warning
            [alert] = peers.alerts_of(latency["id"])
            assert alert["status"] == "firing"
            assert alert["labels"] == LATENCY
            assert alert["source"] == "checkout-1:9100"
            assert {"href": runbook, "text": "Runbook"} in alert["links"]
            # Alertmanager's own fingerprint travels along in the details.
            assert alert["details"]["fingerprint"]

            # Resolving one alert resolves its incident and leaves the other open.
            amtool(
                alertmanager,
                "alert",
                "add",
                *_labels(LATENCY),
                "--annotation=summary=Checkout p99 latency is 2.31s",
                f"--start={_rfc3339(started)}",
                f"--end={_rfc3339(datetime.now(UTC) - timedelta(seconds=1))}",
            )
            peers.incident_titled("Checkout p99 latency is 2.31s", "resolved")
            [alert] = peers.alerts_of(latency["id"])
            assert alert["status"] == "resolved"
            assert peers.incident_titled("Checkout 5xx ratio is 7%", "triggered")

            amtool(
                alertmanager,
                "alert",
                "add",
                *_labels(ERRORS),
                "--annotation=summary=Checkout 5xx ratio is 7%",
                f"--start={_rfc3339(started)}",
                f"--end={_rfc3339(datetime.now(UTC) - timedelta(seconds=1))}",
            )
            peers.incident_titled("Checkout 5xx ratio is 7%", "resolved")
            assert len(peers.incidents()) == 2, peers.summary()
    finally:
        if alertmanager is not None:
            alertmanager.stop()
        server.stop()
