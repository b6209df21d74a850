"""Synthetic checks under load: schedule drift of many checks against a local HTTP
server, and whether they delay paging.

`watchkeeper serve` (SQLite by default) runs N HTTP checks at an interval against a
small asyncio HTTP server in this process, which answers 200 at once. Drift is how late
each run started after it was due (`check_results.lag_ms`, as the engine records it),
over the runs that started in the measured window. Paging latency is bench/paging.py's
measure (alert sent -> first webhook notification at the sink), taken first with no
checks, then while the checks run; the ratio says what the checks cost paging.

Rounds alternate: paging measured with every check paused, then with all running, so
the machine's other load hits both alike; each round's ratio is taken and the median
reported. Last, the CPU cost of one HTTP probe is timed in this process.

Usage: python -m bench.checks [--checks 500] [--interval 30] [--seconds 60]
       [--rate 10] [--rounds 3] [--database sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx2
from sqlalchemy import select

from bench.ingest import database_url
from bench.paging import Outcome, _measure
from bench.paging_systems import Sink, Watchkeeper
from watchkeeper.db.session import Database
from watchkeeper.monitoring.checks.models import CheckResult
from watchkeeper.monitoring.checks.probes.base import Job
from watchkeeper.monitoring.checks.probes.prober import Prober


class Target:
    """The checks' HTTP server: `200 ok` to every request, counting them."""

    def __init__(self) -> None:
        self.hits = 0
        self.port = 0

    async def start(self) -> asyncio.Server:
        server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        return server

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                await reader.readuntil(b"\r\n\r\n")
                self.hits += 1
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


async def _add_checks(
    api: httpx2.AsyncClient, target: Target, args: argparse.Namespace
) -> list[int]:
    service = (await api.post("/api/v1/services", json={"name": "checked"})).json()
    ids = []
    for number in range(args.checks):
        body = {
            "kind": "http",
            "name": f"bench check {number}",
            "service_id": service["id"],
            "url": f"http://127.0.0.1:{target.port}/health/{number}",
            "interval_seconds": args.interval,
            "timeout_seconds": 5,
        }
        answer = await api.post("/api/v1/checks", json=body)
        if answer.status_code != 201:
            raise RuntimeError(f"adding a check answered {answer.status_code}: {answer.text}")
        ids.append(int(answer.json()["id"]))
    return ids


def _lags(url: str, since: datetime) -> list[float]:
    database = Database.from_url(url)
    try:
        with database.transaction(write=False) as session:
            return [
                float(lag)
                for lag in session.scalars(
                    select(CheckResult.lag_ms).where(CheckResult.started_at >= since)
                )
            ]
    finally:
        database.dispose()


async def main(args: argparse.Namespace) -> None:
    sink, target = Sink(), Target()
    sink_server, target_server = await sink.start(), await target.start()
    try:
        with (
            tempfile.TemporaryDirectory(prefix="wk-bench-checks-") as tmp,
            database_url(args.database, Path(tmp)) as url,
        ):
            await _run(sink, target, Path(tmp), url, args)
    finally:
        sink_server.close()
        target_server.close()


async def _run(
    sink: Sink, target: Target, workdir: Path, url: str, args: argparse.Namespace
) -> None:
    env = {"WATCHKEEPER_CHECKS_ALLOW_CIDRS": "127.0.0.1/32"}
    wk = Watchkeeper(workdir, sink, url, env=env)
    try:
        paging_target = await wk.prepare()
        headers = {"Authorization": f"Bearer {_token(wk)}"}
        async with httpx2.AsyncClient(
            base_url=f"http://127.0.0.1:{wk.port}", headers=headers, timeout=30
        ) as api:
            started = time.perf_counter()
            ids = await _add_checks(api, target, args)
            added = time.perf_counter() - started
            rounds: list[Round] = []
            for number in range(args.rounds):
                await _pause(api, ids, True)
                quiet = await _measure(
                    sink, paging_target, args.rate, args.seconds / 2, f"{number}-1"
                )
                await _pause(api, ids, False)
                # One interval for the first runs (all due at once) to spread over their grid.
                await asyncio.sleep(args.interval + 2)
                window, opened, hits = datetime.now(UTC), time.perf_counter(), target.hits
                busy = await _measure(
                    sink, paging_target, args.rate, args.seconds / 2, f"{number}-2"
                )
                await asyncio.sleep(max(opened + args.seconds - time.perf_counter(), 0))
                ran, span = target.hits - hits, time.perf_counter() - opened
                rounds.append(Round(quiet, busy, _lags(url, window), ran, span))
        cpu = await asyncio.to_thread(_probe_cost, target.port, args.probes)
        _print(args, added, rounds, cpu)
    finally:
        wk.stop()


@dataclass
class Round:
    quiet: Outcome
    busy: Outcome
    lags: list[float]
    ran: int
    span: float


async def _pause(api: httpx2.AsyncClient, ids: list[int], paused: bool) -> None:
    for check_id in ids:
        answer = await api.patch(f"/api/v1/checks/{check_id}", json={"paused": paused})
        answer.raise_for_status()


def _probe_cost(port: int, count: int) -> float:
    """CPU milliseconds one HTTP probe costs, run in this process (fresh connection each)."""
    prober = Prober(["127.0.0.1/32"])
    now = datetime.now(UTC)
    job = Job(0, "http", f"http://127.0.0.1:{port}/cost", {}, 5.0, True, now, now)
    started = time.process_time()
    for _ in range(count):
        prober.run(job)
    return (time.process_time() - started) * 1000 / count


def _token(wk: Watchkeeper) -> str:
    import subprocess

    from bench.paging_systems import WATCHKEEPER

    created = subprocess.run(
        [*WATCHKEEPER, "token", "create", "--user", "admin", "--name", "bench-checks"],
        env=wk.env,
        capture_output=True,
        text=True,
        check=True,
    )
    return created.stdout.split()[-1]


def _print(args: argparse.Namespace, added: float, rounds: list[Round], cpu: float) -> None:
    lags = [lag for r in rounds for lag in r.lags]
    ran, span = sum(r.ran for r in rounds), sum(r.span for r in rounds)
    print(f"{args.checks} HTTP checks every {args.interval} s on {args.database}")
    print(f"added through the API in {added:.1f} s; one HTTP probe costs {cpu:.2f} ms of CPU")
    on_time = args.checks * span / args.interval
    print(f"runs in {len(rounds)} windows of {span:.0f} s: {ran} (on schedule: {on_time:.0f})")
    print(
        f"schedule drift (start after due): p50 {percentile(lags, 0.5):.0f} ms, "
        f"p99 {percentile(lags, 0.99):.0f} ms, max {max(lags, default=float('nan')):.0f} ms "
        f"over {len(lags)} runs"
    )
    print(f"paging at {args.rate:g} alerts/s, medians of rounds  delivered   p50 ms   p99 ms")
    for name, outcomes in (
        ("checks paused", [r.quiet for r in rounds]),
        ("checks running", [r.busy for r in rounds]),
    ):
        print(
            f"  {name:<40}{sum(o.delivered for o in outcomes):>9}"
            f"{statistics.median(o.p50_ms for o in outcomes):>9.1f}"
            f"{statistics.median(o.p99_ms for o in outcomes):>9.1f}"
        )
    ratios50 = [r.busy.p50_ms / r.quiet.p50_ms for r in rounds if r.quiet.p50_ms]
    ratios99 = [r.busy.p99_ms / r.quiet.p99_ms for r in rounds if r.quiet.p99_ms]
    if ratios50 and ratios99:
        print(
            "paging running/paused, median of per-round ratios: "
            f"p50 x{statistics.median(ratios50):.2f}, p99 x{statistics.median(ratios99):.2f}"
        )
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (2 cores; others' work is noise)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checks", type=int, default=500)
    parser.add_argument("--interval", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60.0, help="measured window")
    parser.add_argument("--rate", type=float, default=10.0, help="alerts per second")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=3, help="paused/running alternations")
    parser.add_argument("--probes", type=int, default=300, help="probes timed for CPU cost")
    asyncio.run(main(parser.parse_args()))
