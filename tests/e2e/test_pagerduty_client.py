"""The official `pagerduty` package's Events API v2 client, pointed at the real server:
trigger, acknowledge and resolve by dedup key, a refused event, and a change event.

The client only accepts an https:// base URL (PagerDuty's own). The server here speaks
plain HTTP on the loopback, as it does behind a TLS-terminating proxy in production, so
the client's requests go through a transport that only swaps the scheme: everything
else (paths, headers, bodies, reading the answers) is the client's own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx2
import pagerduty
import pytest

from tests.e2e.peers import admin_token, api_client, create_integration, tail, wait_for
from tests.e2e.server import ServerProcess, start_server

pytestmark = pytest.mark.e2e

WAIT = 30.0


class PlainHttpTransport(httpx2.BaseTransport):
    """Send an https:// request to the same host and port over plain HTTP."""

    def __init__(self) -> None:
        self.inner = httpx2.HTTPTransport()

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        request.url = request.url.copy_with(scheme="http")
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


@contextmanager
def events_client(server: ServerProcess, routing_key: str) -> Iterator[pagerduty.EventsApiV2Client]:
    base_url = server.url.replace("http://", "https://", 1)
    client = pagerduty.EventsApiV2Client(
        routing_key, base_url=base_url, transport=PlainHttpTransport()
    )
    # Give up at once instead of retrying with back-off: a failure here is a test failure.
    client.max_network_attempts = 1
    with client:
        yield client


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    running = start_server(tmp_path / "data")
    yield running
    running.stop()


def _incident(api: httpx2.Client, server: ServerProcess, title: str, status: str) -> dict[str, Any]:
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


def test_trigger_acknowledge_and_resolve_by_dedup_key(
    server: ServerProcess, tmp_path: Path
) -> None:
    with api_client(server, admin_token(tmp_path / "data")) as api:
        integration = create_integration(api, service="Database", type_="pagerduty")
        assert integration["url"] == f"{server.url}/v2/enqueue"
        with events_client(server, integration["key"]) as client:
            # Without a dedup key the server makes one and the client returns it.
            dedup_key = client.trigger(
                "Disk 95% full on db-1",
                "db-1.example.com",
                severity="error",
                custom_details={"free_gb": 4.2, "mount": "/var/lib/postgresql"},
                links=[{"href": "https://grafana.example.com/d/disk", "text": "Disk dashboard"}],
            )
            assert re.fullmatch(r"[0-9a-f]{32}", dedup_key), dedup_key
            incident = _incident(api, server, "Disk 95% full on db-1", "triggered")
            assert incident["source"] == "alert"
            assert incident["urgency"] == 2  # severity error

            # A trigger with the same key is a repeat of the open alert, not a new incident.
            assert client.trigger("Disk 96% full on db-1", "db-1.example.com", dedup_key) == (
                dedup_key
            )

            assert client.acknowledge(dedup_key) == dedup_key
            _incident(api, server, "Disk 95% full on db-1", "acknowledged")

            assert client.resolve(dedup_key) == dedup_key
            _incident(api, server, "Disk 95% full on db-1", "resolved")

            response = api.get("/api/v1/alerts", params={"incident_id": incident["id"]})
            [alert] = response.json()["items"]
            assert alert["fingerprint"] == dedup_key
            assert alert["status"] == "resolved"
            assert alert["count"] == 2
            assert alert["summary"] == "Disk 96% full on db-1"
            assert alert["details"]["mount"] == "/var/lib/postgresql"
            assert {"href": "https://grafana.example.com/d/disk", "text": "Disk dashboard"} in (
                alert["links"]
            )
            incidents = api.get("/api/v1/incidents").json()["items"]
            assert [i["id"] for i in incidents] == [incident["id"]]


def test_a_caller_chosen_dedup_key_and_a_refused_event(
    server: ServerProcess, tmp_path: Path
) -> None:
    with api_client(server, admin_token(tmp_path / "data")) as api:
        integration = create_integration(api, service="Queue", type_="pagerduty")
        with events_client(server, integration["key"]) as client:
            key = "queue/backlog/eu-west-1"
            assert client.trigger("Queue backlog", "mq-1", key, severity="warning") == key
            _incident(api, server, "Queue backlog", "triggered")
            with pytest.raises(pagerduty.HttpError) as refused:
                client.trigger("Bad severity", "mq-1", severity="fatal")
            assert refused.value.response is not None
            assert refused.value.response.status_code == 400
            body = refused.value.response.json()
            assert body["status"] == "invalid event"
            assert "payload.severity" in body["errors"][0]
            assert client.resolve(key) == key
            _incident(api, server, "Queue backlog", "resolved")


def test_change_events_show_on_the_services_incidents(
    server: ServerProcess, tmp_path: Path
) -> None:
    with api_client(server, admin_token(tmp_path / "data")) as api:
        integration = create_integration(api, service="Checkout", type_="pagerduty")
        with events_client(server, integration["key"]) as client:
            # The client's default timestamp is broken in this release, so give one.
            client.submit(
                "Deployed checkout v2.4.1",
                source="ci.example.com",
                custom_details={"version": "2.4.1", "commit": "9f3c2ab"},
                links=[{"href": "https://ci.example.com/builds/812", "text": "Build 812"}],
                timestamp=datetime.now(UTC).isoformat(),
            )
            client.trigger("Checkout 5xx ratio is 7%", "checkout-1", severity="critical")
            incident = _incident(api, server, "Checkout 5xx ratio is 7%", "triggered")
            response = api.get(f"/api/v1/incidents/{incident['id']}/changes")
            assert response.status_code == 200, response.text
            [change] = response.json()
            assert change["summary"] == "Deployed checkout v2.4.1"
            assert change["source"] == "ci.example.com"
            assert change["details"] == {"version": "2.4.1", "commit": "9f3c2ab"}
            assert change["links"] == [
                {"href": "https://ci.example.com/builds/812", "text": "Build 812"}
            ]
