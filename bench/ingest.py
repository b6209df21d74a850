"""Alert intake: Watchkeeper beside Debian's Prometheus Alertmanager, under the same load.

Starts on this machine Watchkeeper (`watchkeeper serve`: SQLite, or PostgreSQL with
`--database postgresql`) and Alertmanager (Debian's `prometheus-alertmanager`, with a
webhook receiver pointing at a local sink that answers 200, `group_wait: 0s` and one
group per alert), and drives each with the same closed-loop load: 16 keep-alive
connections for 10 s, 3 runs, median of the runs. Cases:

- single: one distinct alert per request. Watchkeeper gets Alertmanager webhook payloads
  at /api/v1/integrations/{key}/alertmanager; Alertmanager its own POST /api/v2/alerts;
- batch: the same with 100 distinct alerts per request;
- repeat: 1,000 alerts opened before the run, then sent again and again, one a request.

Every run starts a fresh process on an empty database (Alertmanager: empty storage), so
runs do not inherit each other's backlog; runs alternate between the two servers so that
machine noise hits both alike. Reported per case and server: alerts/s accepted (202 from
Watchkeeper, 200 from Alertmanager), p50 and p99 latency of those answers, RSS (VmRSS) at
the end of the run (Watchkeeper: `serve` plus its engine child), and what happened
downstream during the run (Watchkeeper: share of the accepted events the engine had
correlated; Alertmanager: notifications the sink got). Then it loads N open alerts
(default 100,000) into each, waits until Watchkeeper's engine has correlated them, and
reads RSS.

The load generator, the sink and the servers share the machine's cores: on a small
machine read the numbers as a comparison under equal conditions, not as capacity.

Usage: python -m bench.ingest [--database sqlite|postgresql] [--seconds 10] [--runs 3]
       [--connections 16] [--open-alerts 100000] [--cases single,batch,repeat] [--no-engine]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
from sqlalchemy import text

from bench.ingest_load import LoadResult, run_load
from watchkeeper.db.session import Database

ALERTMANAGER = os.environ.get("WATCHKEEPER_BENCH_ALERTMANAGER", "/usr/bin/prometheus-alertmanager")
POSTGRES_URL = os.environ.get(
    "WATCHKEEPER_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
SCHEMA = "wk_bench_ingest"
HOST = "127.0.0.1"
REPEAT_POOL = 1000
BATCH = 100
CASES = ("single", "batch", "repeat")
STARTS_AT = "2026-01-15T08:00:00Z"
GO_ZERO_TIME = "0001-01-01T00:00:00Z"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def rss_bytes_of(pid: int) -> int:
    """VmRSS of one process, in bytes (0 once it is gone)."""
    with suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def rss_bytes(pid: int) -> int:
    """VmRSS of a process and of all its descendants, in bytes (0 once it is gone)."""
    total = rss_bytes_of(pid)
    with suppress(OSError):
        for children in Path(f"/proc/{pid}/task").glob("*/children"):
            total += sum(rss_bytes(int(child)) for child in children.read_text().split())
    return total


def wait_http(url: str, what: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with suppress(httpx2.TransportError):
            if httpx2.get(url, timeout=2.0).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"{what} not ready at {url} after {timeout} s")


def stop_process(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(30)


# -- payloads -----------------------------------------------------------------------------


def _labels(run: str, number: int) -> dict[str, str]:
    return {
        "alertname": "DiskAlmostFull",
        "instance": f"host-{number}.example.com:9100",
        "job": "node",
        "severity": "warning",
        "bench_run": run,
    }


def _annotations(number: int) -> dict[str, str]:
    return {
        "summary": f"Disk 95% full on host-{number}",
        "description": "The root filesystem has less than 5% space left.",
        "runbook_url": "https://runbooks.example.com/disk-full",
    }


def webhook_body(run: str, numbers: list[int]) -> bytes:
    """An Alertmanager webhook (version 4) notification holding these alerts."""
    alerts = [
        {
            "status": "firing",
            "labels": _labels(run, number),
            "annotations": _annotations(number),
            "startsAt": STARTS_AT,
            "endsAt": GO_ZERO_TIME,
            "generatorURL": "http://prometheus.example.com:9090/graph?g0.expr=disk",
            "fingerprint": f"{number:016x}",
        }
        for number in numbers
    ]
    return json.dumps(
        {
            "receiver": "watchkeeper",
            "status": "firing",
            "alerts": alerts,
            "groupLabels": {},
            "commonLabels": {"alertname": "DiskAlmostFull", "job": "node"},
            "commonAnnotations": {},
            "externalURL": "http://alertmanager.example.com:9093",
            "version": "4",
            "groupKey": "{}:{}",
            "truncatedAlerts": 0,
        }
    ).encode()


def api_body(run: str, numbers: list[int]) -> bytes:
    """The same alerts as Prometheus posts them to Alertmanager's API v2."""
    return json.dumps(
        [
            {
                "labels": _labels(run, number),
                "annotations": _annotations(number),
                "startsAt": STARTS_AT,
                "generatorURL": "http://prometheus.example.com:9090/graph?g0.expr=disk",
            }
            for number in numbers
        ]
    ).encode()


def bodies(
    case: str, run: str, encode: Callable[[str, list[int]], bytes]
) -> Callable[[], tuple[bytes, int]]:
    """The next request's body and its number of alerts, for a case."""
    counter = itertools.count()
    if case == "repeat":
        return lambda: (encode(run, [next(counter) % REPEAT_POOL]), 1)
    size = BATCH if case == "batch" else 1
    return lambda: (encode(run, [next(counter) for _ in range(size)]), size)


def load_all(
    port: int,
    path: str,
    run: str,
    encode: Callable[[str, list[int]], bytes],
    count: int,
    expected: int,
    connections: int,
) -> LoadResult:
    """Send alerts 0..count-1 in batches of BATCH, as fast as `connections` allow."""
    batches = iter(range(0, count, BATCH))

    def make_body() -> tuple[bytes, int] | None:
        start = next(batches, None)
        if start is None:
            return None
        numbers = list(range(start, min(count, start + BATCH)))
        return encode(run, numbers), len(numbers)

    return asyncio.run(
        run_load(HOST, port, path, make_body, expected=expected, connections=connections)
    )


# -- the servers --------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    port: int
    path: str
    expected: int
    encode: Callable[[str, list[int]], bytes]
    process: subprocess.Popen[bytes]
    database: Database | None = None
    sink_count: Callable[[], int] = lambda: 0
    extra: dict[str, Any] = field(default_factory=dict)
    engine: bool = True

    @property
    def rss(self) -> int:
        return rss_bytes(self.process.pid)

    def pending(self) -> tuple[int, int]:
        """Watchkeeper: (events stored, events not yet correlated)."""
        if self.database is None:
            return 0, 0
        with self.database.transaction(write=False) as session:
            row = session.execute(
                text(
                    "SELECT COUNT(*), COALESCE(SUM(CASE WHEN processed_at IS NULL "
                    "THEN 1 ELSE 0 END), 0) FROM events"
                )
            ).one()
        return int(row[0]), int(row[1])

    def wait_correlated(self, timeout: float, progress: bool = False) -> int:
        """Wait until the engine has correlated every stored event; returns those left."""
        deadline = time.monotonic() + timeout
        last = 0.0
        while True:
            stored, left = self.pending()
            if left == 0 or time.monotonic() > deadline:
                return left
            if progress and time.monotonic() - last > 30:
                print(f"    correlating: {stored - left:,} of {stored:,} done", flush=True)
                last = time.monotonic()
            time.sleep(0.5)


@contextmanager
def database_url(kind: str, workdir: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'watchkeeper.db'}"
        return
    admin = Database.from_url(POSTGRES_URL, pool_size=1)
    try:
        with admin.engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
            connection.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{SCHEMA}"
    finally:
        with admin.engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        admin.dispose()


@contextmanager
def watchkeeper(
    kind: str, workdir: Path, *, group_by: list[str] | None = None, engine: bool = True
) -> Iterator[Server]:
    """A fresh `watchkeeper serve` with one service and one Alertmanager integration;
    `engine=False` serves intake alone (`--no-engine`: nothing correlates the events)."""
    workdir.mkdir(parents=True)
    with database_url(kind, workdir) as url:
        env = {
            **os.environ,
            "WATCHKEEPER_DATA_DIR": str(workdir),
            "WATCHKEEPER_DATABASE_URL": url,
            "WATCHKEEPER_LOG_LEVEL": "WARNING",
            "WATCHKEEPER_INGEST_RATE_LIMIT": "1000000 per second",
        }
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "watchkeeper", "serve", "--port", str(port)]
            + ([] if engine else ["--no-engine"]),
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        database = Database.from_url(url)
        try:
            # /readyz also wants a live engine; intake alone has none.
            ready = "/readyz" if engine else "/healthz"
            wait_http(f"http://{HOST}:{port}{ready}", "watchkeeper")
            token = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "watchkeeper",
                    "token",
                    "create",
                    "--user",
                    "admin",
                    "--name",
                    "bench",
                ],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()[-1]
            headers = {"Authorization": f"Bearer {token}"}
            with httpx2.Client(base_url=f"http://{HOST}:{port}", headers=headers) as api:
                service = api.post(
                    "/api/v1/services", json={"name": "Bench", "group_by": group_by or []}
                )
                service.raise_for_status()
                integration = api.post(
                    f"/api/v1/services/{service.json()['id']}/integrations",
                    json={"type": "alertmanager", "name": "bench"},
                )
                integration.raise_for_status()
            key = integration.json()["key"]
            yield Server(
                name="watchkeeper",
                port=port,
                path=f"/api/v1/integrations/{key}/alertmanager",
                expected=202,
                encode=webhook_body,
                process=process,
                database=database,
                engine=engine,
            )
        finally:
            stop_process(process)
            database.dispose()


ALERTMANAGER_CONFIG = """\
route:
  receiver: sink
  group_by: ['...']
  group_wait: 0s
  group_interval: 5m
  repeat_interval: 1h
receivers:
  - name: sink
    webhook_configs:
      - url: 'http://127.0.0.1:{sink_port}/'
        send_resolved: true
"""


@contextmanager
def alertmanager(workdir: Path, sink_port: int) -> Iterator[Server]:
    """A fresh Alertmanager (clustering off) whose one receiver is the sink."""
    workdir.mkdir(parents=True)
    config = workdir / "alertmanager.yml"
    config.write_text(ALERTMANAGER_CONFIG.format(sink_port=sink_port))
    port = free_port()
    process = subprocess.Popen(
        [
            ALERTMANAGER,
            f"--config.file={config}",
            f"--storage.path={workdir / 'data'}",
            f"--web.listen-address={HOST}:{port}",
            "--cluster.listen-address=",
            "--log.level=error",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_http(f"http://{HOST}:{port}/-/ready", "alertmanager")

        def sink_count() -> int:
            return int(httpx2.get(f"http://{HOST}:{sink_port}/count", timeout=5).text)

        yield Server(
            name="alertmanager",
            port=port,
            path="/api/v2/alerts",
            expected=200,
            encode=api_body,
            process=process,
            sink_count=sink_count,
        )
    finally:
        stop_process(process)


@contextmanager
def sink() -> Iterator[int]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "bench.ingest_sink", str(port)])
    try:
        wait_http(f"http://{HOST}:{port}/count", "sink")
        yield port
    finally:
        stop_process(process)


# -- measuring ----------------------------------------------------------------------------


@dataclass
class Run:
    alerts_per_second: float
    p50_ms: float
    p99_ms: float
    rss_mb: float
    downstream: str
    statuses: dict[str, int]


def measure(server: Server, case: str, run: str, seconds: float, connections: int) -> Run:
    if case == "repeat":
        # Open the pool first; on Watchkeeper, wait until each is an open alert.
        warm = load_all(
            server.port, server.path, run, server.encode, REPEAT_POOL, server.expected, connections
        )
        if warm.alerts != REPEAT_POOL:
            raise RuntimeError(f"{server.name}: opening the pool failed: {dict(warm.statuses)}")
        server.wait_correlated(600)
    stored_before, _ = server.pending()
    sent_before = server.sink_count()
    result = asyncio.run(
        run_load(
            HOST,
            server.port,
            server.path,
            bodies(case, run, server.encode),
            expected=server.expected,
            connections=connections,
            seconds=seconds,
        )
    )
    rss = server.rss
    if server.database is not None:
        stored, left = server.pending()
        accepted = stored - stored_before
        done = accepted - left
        downstream = f"engine correlated {done / accepted:.0%} by the end" if accepted else "-"
        if not server.engine:
            downstream = "no engine (intake alone)"
    else:
        notified = server.sink_count() - sent_before
        downstream = f"{notified:,} notifications sent"
    return Run(
        alerts_per_second=result.alerts_per_second,
        p50_ms=result.percentile(0.50) * 1000,
        p99_ms=result.percentile(0.99) * 1000,
        rss_mb=rss / 2**20,
        downstream=downstream,
        statuses=dict(result.statuses),
    )


def open_alerts_rss(
    kind: str, workdir: Path, sink_port: int, count: int, connections: int, timeout: float
) -> dict[str, str]:
    """RSS of each server holding `count` open alerts (sent in batches of BATCH)."""
    rows: dict[str, str] = {}
    with alertmanager(workdir / "am-open", sink_port) as am:
        sent = load_all(am.port, am.path, "open", am.encode, count, am.expected, connections)
        time.sleep(5)  # let it dispatch what it got: RSS is read at rest
        rows["alertmanager"] = f"{am.rss / 2**20:.0f} MB with {sent.alerts:,} open alerts"
    # One incident per alert (the default) would have the engine open 100,000 incidents;
    # grouping by alertname makes the alerts join one, as a real setup would.
    with watchkeeper(kind, workdir / "wk-open", group_by=["alertname"]) as wk:
        started = time.monotonic()
        sent = load_all(wk.port, wk.path, "open", wk.encode, count, wk.expected, connections)
        accepted = time.monotonic() - started
        left = wk.wait_correlated(timeout, progress=True)
        took = time.monotonic() - started
        state = "all correlated" if left == 0 else f"{left:,} not yet correlated"
        serve = rss_bytes_of(wk.process.pid) / 2**20
        rows["watchkeeper"] = (
            f"{wk.rss / 2**20:.0f} MB (serve {serve:.0f} MB, the rest its engine child) with "
            f"{sent.alerts:,} alerts sent ({state}; accepted in "
            f"{accepted:.0f} s, correlated in {took:.0f} s)"
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--open-alerts", type=int, default=100_000)
    parser.add_argument(
        "--open-timeout",
        type=float,
        default=3600.0,
        help="seconds to wait for the engine to correlate the open alerts",
    )
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument(
        "--no-engine",
        action="store_true",
        help="intake alone: serve without the engine, so nothing correlates meanwhile",
    )
    args = parser.parse_args()
    cases = [case for case in args.cases.split(",") if case]
    if not Path(ALERTMANAGER).exists():
        sys.exit(f"no {ALERTMANAGER}: install Debian's prometheus-alertmanager (make alertmanager)")
    results: dict[tuple[str, str], list[Run]] = {}
    print(
        f"{os.cpu_count()} cores; {args.connections} connections, {args.seconds:g} s, "
        f"{args.runs} runs; Watchkeeper on {args.database}",
        flush=True,
    )
    with tempfile.TemporaryDirectory(prefix="wk-bench-ingest-") as tmp, sink() as sink_port:
        workdir = Path(tmp)
        for number in range(args.runs):
            for case in cases:
                for name in ("watchkeeper", "alertmanager"):
                    run = f"r{number}-{case}"
                    where = workdir / f"{name}-{run}"
                    opened = (
                        watchkeeper(args.database, where, engine=not args.no_engine)
                        if name == "watchkeeper"
                        else alertmanager(where, sink_port)
                    )
                    with opened as server:
                        outcome = measure(server, case, run, args.seconds, args.connections)
                    results.setdefault((case, name), []).append(outcome)
                    print(
                        f"  run {number + 1} {case:<7}{name:<13}"
                        f"{outcome.alerts_per_second:>9,.0f} alerts/s  p50 {outcome.p50_ms:6.1f} ms"
                        f"  p99 {outcome.p99_ms:7.1f} ms  RSS {outcome.rss_mb:5.0f} MB  "
                        f"{outcome.downstream}  {outcome.statuses}",
                        flush=True,
                    )
        open_rows = (
            open_alerts_rss(
                args.database,
                workdir,
                sink_port,
                args.open_alerts,
                args.connections,
                args.open_timeout,
            )
            if args.open_alerts
            else {}
        )
    print_table(results, cases, args, open_rows)


def print_table(
    results: dict[tuple[str, str], list[Run]],
    cases: list[str],
    args: argparse.Namespace,
    open_rows: dict[str, str],
) -> None:
    labels = {
        "single": "single alert per request, distinct",
        "batch": f"{BATCH} alerts per request, distinct",
        "repeat": f"repeats of {REPEAT_POOL:,} open alerts",
    }
    print()
    print(
        f"Alert intake, median of {args.runs} runs of {args.seconds:g} s, "
        f"{args.connections} connections; Watchkeeper on {args.database}"
    )
    print()
    print("| case | server | alerts/s | p50 ms | p99 ms | RSS MB | downstream, last run |")
    print("|---|---|---:|---:|---:|---:|---|")
    for case in cases:
        medians = {}
        for name in ("watchkeeper", "alertmanager"):
            runs = results[(case, name)]
            medians[name] = statistics.median(r.alerts_per_second for r in runs)
            print(
                f"| {labels[case]} | {name} | {medians[name]:,.0f} "
                f"| {statistics.median(r.p50_ms for r in runs):.1f} "
                f"| {statistics.median(r.p99_ms for r in runs):.1f} "
                f"| {statistics.median(r.rss_mb for r in runs):.0f} | {runs[-1].downstream} |"
            )
        ratio = medians["watchkeeper"] / medians["alertmanager"] if medians["alertmanager"] else 0
        print(f"| {labels[case]} | ours / Alertmanager | {ratio:.2f}x | | | | |")
    if open_rows:
        print()
        for name, row in open_rows.items():
            print(f"RSS, {name}: {row}")


if __name__ == "__main__":
    main()
