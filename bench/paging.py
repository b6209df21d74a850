"""Time from an alert sent to the first notification delivered, Watchkeeper beside
Debian's Alertmanager (`group_wait: 0s`), at steady rates of distinct alerts.

Both systems notify the same local webhook sink (an asyncio HTTP server in this
process). For each alert the clock starts just before its HTTP request leaves for the
system under test and stops when the sink has read the notification that names it. For
Watchkeeper that path is: intake commits the event, the engine correlates it into an
incident, escalation pages the on-call user (one level, the admin), the page becomes an
outbox message, and the sender posts the signed webhook. Alertmanager gets each alert on
its own route group (`group_by: ['...']`) so it, too, notifies once per alert at once.

Watchkeeper runs with `WATCHKEEPER_NOTIFY_THROTTLE_SECONDS=0`: by default a person gets
at most one message a minute per contact method (the rest are bundled), which would
measure the throttle, not the pipeline.

Rates alternate between the two systems in each round, so machine noise hits them alike;
the table shows medians over rounds.

Usage: python -m bench.paging [--rates 10,100] [--seconds 10] [--rounds 3]
       [--alertmanager /usr/bin/prometheus-alertmanager]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx2

from bench.ingest_load import HttpConnection

KEY = re.compile(rb"bench-\d+-\d+-\d+")
CONNECTIONS = 8
WATCHKEEPER = (sys.executable, "-m", "watchkeeper")
SETTLE_TIMEOUT = 60.0
ALERTMANAGER_CONFIG = """\
route:
  receiver: sink
  group_by: ['...']
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


@dataclass
class Outcome:
    sent: int
    delivered: int
    p50_ms: float
    p99_ms: float


def _free_port() -> int:
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


def _alertmanager_body(key: str) -> bytes:
    now = datetime.now(UTC).isoformat()
    alert = {"labels": {"alertname": key}, "annotations": {"summary": key}, "startsAt": now}
    return json.dumps([alert]).encode()


def _watchkeeper_body(key: str) -> bytes:
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


async def _send_at_rate(target: Target, keys: list[str], rate: float) -> dict[bytes, float]:
    """Open loop: alert i leaves at start + i/rate, over a few keep-alive connections."""
    sent: dict[bytes, float] = {}
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    async def worker() -> None:
        connection = HttpConnection("127.0.0.1", target.port)
        try:
            while (key := await queue.get()) is not None:
                sent[key.encode()] = time.perf_counter()
                status, answer = await connection.post(target.path, target.body(key))
                if status >= 300:
                    raise RuntimeError(f"{target.name} answered {status}: {answer[:200]!r}")
        finally:
            await connection.close()

    workers = [asyncio.create_task(worker()) for _ in range(CONNECTIONS)]
    started = time.perf_counter()
    for index, key in enumerate(keys):
        delay = started + index / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        queue.put_nowait(key)
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    return sent


async def _measure(sink: Sink, target: Target, rate: float, seconds: float, tag: str) -> Outcome:
    keys = [f"bench-{tag}-{index}" for index in range(int(rate * seconds))]
    sent = await _send_at_rate(target, keys, rate)
    deadline = time.perf_counter() + SETTLE_TIMEOUT
    while time.perf_counter() < deadline and not all(key in sink.arrivals for key in sent):
        await asyncio.sleep(0.05)
    latencies = sorted(
        (sink.arrivals[key] - start) * 1000 for key, start in sent.items() if key in sink.arrivals
    )
    if not latencies:
        return Outcome(len(sent), 0, float("nan"), float("nan"))
    p99 = latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))]
    return Outcome(len(sent), len(latencies), statistics.median(latencies), p99)


class Watchkeeper:
    """`watchkeeper serve` on a fresh SQLite data dir, paging the admin by webhook."""

    def __init__(self, workdir: Path, sink: Sink) -> None:
        self.port = _free_port()
        self.env = {
            **os.environ,
            "WATCHKEEPER_DATA_DIR": str(workdir / "watchkeeper"),
            "WATCHKEEPER_LOG_LEVEL": "WARNING",
            "WATCHKEEPER_OUTBOUND_ALLOW_CIDRS": "127.0.0.1/32",
            "WATCHKEEPER_NOTIFY_THROTTLE_SECONDS": "0",
            "WATCHKEEPER_INGEST_RATE_LIMIT": "100000 per second",
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
            method = await _ok(
                api.post(
                    f"/api/v1/users/{me['id']}/contact-methods",
                    json={"kind": "webhook", "address": url},
                )
            )
            code = await self._code()
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
            service = await _ok(
                api.post(
                    "/api/v1/services",
                    json={"name": "bench", "escalation_policy_id": policy["id"]},
                )
            )
            integration = await _ok(
                api.post(
                    f"/api/v1/services/{service['id']}/integrations",
                    json={"type": "alertmanager", "name": "bench"},
                )
            )
        path = f"/api/v1/integrations/{integration['key']}/alertmanager"
        return Target("watchkeeper", self.port, path, _watchkeeper_body)

    async def _code(self) -> str:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            for body in self.sink.bodies:
                if found := re.search(rb"code is (\d{6})", body):
                    return found.group(1).decode()
            await asyncio.sleep(0.05)
        raise RuntimeError("the verification code never reached the sink")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)


class Alertmanager:
    def __init__(self, binary: str, workdir: Path, sink: Sink) -> None:
        self.port = _free_port()
        config = workdir / "alertmanager.yml"
        config.write_text(
            ALERTMANAGER_CONFIG.format(url=f"http://127.0.0.1:{sink.port}/alertmanager")
        )
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
        return Target("alertmanager", self.port, "/api/v2/alerts", _alertmanager_body)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(30)


async def _ok(request: Any) -> Any:
    response = await request
    if response.status_code >= 300:
        raise RuntimeError(f"{response.request.url}: {response.status_code} {response.text}")
    return response.json()


async def main(args: argparse.Namespace) -> None:
    rates = [float(rate) for rate in args.rates.split(",")]
    sink = Sink()
    server = await sink.start()
    with tempfile.TemporaryDirectory(prefix="wk-bench-paging-") as tmp:
        workdir = Path(tmp)
        watchkeeper = Watchkeeper(workdir, sink)
        alertmanager = None
        try:
            targets = [await watchkeeper.prepare()]
            if Path(args.alertmanager).exists():
                alertmanager = Alertmanager(args.alertmanager, workdir, sink)
                targets.append(alertmanager.target())
            else:
                print(f"no {args.alertmanager}: Watchkeeper alone", file=sys.stderr)
            results: dict[tuple[str, float], list[Outcome]] = {}
            runs = 0
            for _ in range(args.rounds):
                for rate in rates:
                    for target in targets:
                        runs += 1  # every run sends alerts never seen before
                        tag = f"{runs}-{int(rate)}"
                        outcome = await _measure(sink, target, rate, args.seconds, tag)
                        results.setdefault((target.name, rate), []).append(outcome)
                        await asyncio.sleep(1.0)  # let the system drain before the next
            _print(results, args)
        finally:
            watchkeeper.stop()
            if alertmanager is not None:
                alertmanager.stop()
            server.close()


def _print(results: dict[tuple[str, float], list[Outcome]], args: argparse.Namespace) -> None:
    print(
        f"alert sent -> first notification at the webhook sink; {args.seconds:g} s per rate,"
        f" medians of {args.rounds} rounds"
    )
    print(f"{'system':<13}{'rate/s':>8}{'sent':>7}{'delivered':>11}{'p50 ms':>9}{'p99 ms':>9}")
    for (name, rate), outcomes in sorted(
        results.items(), key=lambda item: (item[0][1], item[0][0])
    ):
        print(
            f"{name:<13}{rate:>8g}"
            f"{sum(o.sent for o in outcomes) // len(outcomes):>7}"
            f"{sum(o.delivered for o in outcomes) // len(outcomes):>11}"
            f"{statistics.median(o.p50_ms for o in outcomes):>9.1f}"
            f"{statistics.median(o.p99_ms for o in outcomes):>9.1f}"
        )
    for rate in sorted({rate for _, rate in results}):
        ours, theirs = results.get(("watchkeeper", rate)), results.get(("alertmanager", rate))
        if ours and theirs:
            ratio = statistics.median(o.p99_ms for o in ours) / statistics.median(
                o.p99_ms for o in theirs
            )
            print(f"p99 ratio watchkeeper/alertmanager at {rate:g}/s: {ratio:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rates", default="10,100")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--alertmanager", default="/usr/bin/prometheus-alertmanager")
    asyncio.run(main(parser.parse_args()))
