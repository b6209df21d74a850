"""Scenario vocabulary for workflows: an endpoint that answers like a remediation service,
and helpers to make workflows and incidents through the API."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from sqlalchemy import select

from tests.factories import bearer
from tests.scenarios.harness import Harness
from tests.unit.channel_support import QuietServer
from watchkeeper.incidents.models import TimelineEntry
from watchkeeper.settings import Settings


@dataclass
class Endpoint:
    """Records each POST; answers `/fail` with 500 and anything else with JSON."""

    port: int = 0
    received: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


@contextmanager
def endpoint() -> Iterator[Endpoint]:
    sink = Endpoint()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            headers = {name.lower(): value for name, value in self.headers.items()}
            sink.received.append((self.path, headers, body))
            status = 500 if self.path == "/fail" else 200
            answer = json.dumps({"restarted": "checkout-7f9c", "ok": status == 200}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = QuietServer(("127.0.0.1", 0), Handler)
    sink.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield sink
    finally:
        server.shutdown()
        server.server_close()


def workflow(h: Harness, **body: Any) -> dict[str, Any]:
    created = h.client.post("/api/v1/workflows", json=body, headers=bearer(h.admin))
    assert created.status_code == 201, created.text
    return dict(created.json())


def declare(h: Harness, title: str = "Checkout is slow", **fields: Any) -> int:
    service_id = h.service_ids.get("web") or h.service("web")
    created = h.client.post(
        "/api/v1/incidents",
        json={"title": title, "service_id": service_id, **fields},
        headers=bearer(h.admin),
    )
    assert created.status_code == 201, created.text
    return int(created.json()["id"])


def timeline(h: Harness, incident_id: int, kind: str | None = None) -> list[TimelineEntry]:
    with h.db.transaction(write=False) as session:
        stmt = select(TimelineEntry).where(TimelineEntry.incident_id == incident_id)
        if kind is not None:
            stmt = stmt.where(TimelineEntry.kind == kind)
        return list(session.scalars(stmt.order_by(TimelineEntry.id)))


def runs(h: Harness, workflow_id: int) -> list[dict[str, Any]]:
    listed = h.client.get(f"/api/v1/workflows/{workflow_id}/runs", headers=bearer(h.admin))
    assert listed.status_code == 200, listed.text
    return list(listed.json())


def links_that_work(h: Harness, settings: Settings | None = None) -> None:
    """From now on the engine signs the links in messages with the app's own key, so a
    test can follow them (the harness signs with a key of its own); `settings` gives the
    engine settings of its own (the web app keeps the harness's)."""
    from prometheus_client import CollectorRegistry

    from watchkeeper.db.sealing import Sealer
    from watchkeeper.engine.metrics import EngineMetrics
    from watchkeeper.engine.modules import build
    from watchkeeper.engine.runner import Runner
    from watchkeeper.pipeline.notify.channels.base import Channel
    from watchkeeper.wiring import linker, secret_key

    channel: Channel = h.channel
    h.runner = Runner(
        database=h.db,
        modules=build(
            CollectorRegistry(),
            settings or h.settings,
            channels={"email": channel, "apprise": channel, "webhook": channel},
            linker=linker(h.settings),
            sealer=Sealer(secret_key(h.settings)),
            notify_workers=0,
        ),
        clock=h.clock,
        metrics=EngineMetrics(CollectorRegistry()),
        holder="scenario:1:engine",
    )
