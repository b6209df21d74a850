"""The two systems the paging benchmarks compare, and the webhook sink both notify.

`Watchkeeper` is `watchkeeper serve` on a fresh data dir (SQLite, or the PostgreSQL URL
given), paging its admin by a signed webhook; `Alertmanager` is Debian's binary with one
webhook receiver. `Sink` notes when it first read each alert key.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx2

KEY = re.compile(rb"bench-\d+-\d+-\d+")
CONNECTIONS = 8
WATCHKEEPER = (sys.executable, "-m", "watchkeeper")
SETTLE_TIMEOUT = 60.0
ALERTMANAGER_CONFIG = """\
route:
  receiver: sink
  group_by: {group_by}
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 24h
receivers:
  - name: sink
    webhook_configs:
      - url: '{url}'
        send_resolved: false
"""


@dataclass
class Sink:
    """A webhook receiver that notes when it first read each alert key."""

    arrivals: dict[bytes, float] = field(default_factory=dict)
    bodies: list[bytes] = field(default_factory=list)
    port: int = 0

    async def start(self) -> asyncio.Server:
        server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        return server

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                body = await reader.readexactly(length)
                now = time.perf_counter()
                for key in KEY.findall(body):
                    self.arrivals.setdefault(key, now)
                self.bodies.append(body)
                writer.write(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass  # the sender hung up, or the run is over
        finally:
            writer.close()


@dataclass
class Target:
    """A system under test: where alerts go and how one is written."""

    name: str
    port: int
    path: str
    body: Callable[[str], bytes]


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_ready(url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx2.get(url, timeout=0.5).status_code == 200:
                return
        except httpx2.TransportError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"{url} not ready after {timeout} s")


def alertmanager_body(key: str) -> bytes:
    now = datetime.now(UTC).isoformat()
    alert = {"labels": {"alertname": key}, "annotations": {"summary": key}, "startsAt": now}
    return json.dumps([alert]).encode()


def watchkeeper_body(key: str) -> bytes:
    now = datetime.now(UTC).isoformat()
    alert = {
        "status": "firing",
        "labels": {"alertname": key, "severity": "critical"},
        "annotations": {"summary": key},
        "startsAt": now,
    }
    body = {
        "version": "4",
        "groupKey": f'{{}}:{{alertname="{key}"}}',
        "receiver": "watchkeeper",
        "status": "firing",
        "alerts": [alert],
    }
    return json.dumps(body).encode()


class Watchkeeper:
    """`watchkeeper serve` on a fresh data dir (and database), paging the admin by webhook."""

    def __init__(
        self,
        workdir: Path,
        sink: Sink,
        database_url: str | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.port = free_port()
        self.database_url = database_url or f"sqlite:///{workdir / 'watchkeeper' / 'wk.db'}"
        (workdir / "watchkeeper").mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            "WATCHKEEPER_DATA_DIR": str(workdir / "watchkeeper"),
            "WATCHKEEPER_DATABASE_URL": self.database_url,
            "WATCHKEEPER_LOG_LEVEL": "WARNING",
            "WATCHKEEPER_OUTBOUND_ALLOW_CIDRS": "127.0.0.1/32",
            "WATCHKEEPER_NOTIFY_THROTTLE_SECONDS": "0",
            "WATCHKEEPER_INGEST_RATE_LIMIT": "100000 per second",
            **(env or {}),
        }
        self.sink = sink
        self.process = subprocess.Popen(
            [*WATCHKEEPER, "serve", "--port", str(self.port)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_ready(f"http://127.0.0.1:{self.port}/readyz")

    async def prepare(self) -> Target:
        """One service, "bench", one incident per alert."""
        return (await self.services({"bench": []}))["bench"]

    async def services(self, group_by: dict[str, list[str]]) -> dict[str, Target]:
        """Services (name -> labels they group by) that page the admin at once."""
        token = subprocess.run(
            [*WATCHKEEPER, "token", "create", "--user", "admin", "--name", "bench"],
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()[-1]
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx2.AsyncClient(
            base_url=f"http://127.0.0.1:{self.port}", headers=headers, timeout=30
        ) as api:
            me = (await api.get("/api/v1/me")).json()
            url = f"http://127.0.0.1:{self.sink.port}/watchkeeper"
            seen = len(self.sink.bodies)  # an earlier run's codes are not this one's
            method = await _ok(
                api.post(
                    f"/api/v1/users/{me['id']}/contact-methods",
                    json={"kind": "webhook", "address": url},
                )
            )
            code = await self._code(after=seen)
            await _ok(
                api.post(
                    f"/api/v1/users/{me['id']}/contact-methods/{method['id']}/verify",
                    json={"code": code},
                )
            )
            level = {"targets": [{"type": "user", "id": me["id"]}], "delay_minutes": 30}
            policy = await _ok(
                api.post("/api/v1/escalation-policies", json={"name": "bench", "levels": [level]})
            )
            targets = {}
            for name, labels in group_by.items():
                service = await _ok(
                    api.post(
                        "/api/v1/services",
                        json={
                            "name": name,
                            "escalation_policy_id": policy["id"],
                            "group_by": labels,
                        },
                    )
                )
                integration = await _ok(
                    api.post(
                        f"/api/v1/services/{service['id']}/integrations",
                        json={"type": "alertmanager", "name": name},
                    )
                )
                path = f"/api/v1/integrations/{integration['key']}/alertmanager"
                targets[name] = Target("watchkeeper", self.port, path, watchkeeper_body)
        return targets

    async def _code(self, *, after: int) -> str:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            for body in self.sink.bodies[after:]:
                if found := re.search(rb"code is (\d{6})", body):
                    return found.group(1).decode()
            await asyncio.sleep(0.05)
        raise RuntimeError("the verification code never reached the sink")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)


class Alertmanager:
    def __init__(self, binary: str, workdir: Path, sink: Sink, group_by: str = "['...']") -> None:
        """`group_by` as the route has it: `['...']` makes every alert its own group."""
        self.port = free_port()
        config = workdir / "alertmanager.yml"
        url = f"http://127.0.0.1:{sink.port}/alertmanager"
        config.write_text(ALERTMANAGER_CONFIG.format(url=url, group_by=group_by))
        self.process = subprocess.Popen(
            [
                binary,
                f"--config.file={config}",
                f"--storage.path={workdir / 'alertmanager'}",
                f"--web.listen-address=127.0.0.1:{self.port}",
                "--cluster.listen-address=",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_ready(f"http://127.0.0.1:{self.port}/-/ready")

    def target(self) -> Target:
        return Target("alertmanager", self.port, "/api/v2/alerts", alertmanager_body)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)


async def _ok(request: Any) -> Any:
    response = await request
    if response.status_code >= 300:
        raise RuntimeError(f"{response.request.url}: {response.status_code} {response.text}")
    return response.json()
