"""Paging under load, Watchkeeper beside Alertmanager: an alert storm, and sustained intake.

*storm*: 20,000 alerts (in bodies of 100, sent as fast as they are accepted) go to one
service that groups them into one incident. Meanwhile a quiet service gets one alert
every 0.5 s, each its own incident and page. We report how late the quiet service's
pages come while the storm is being worked off (max and p50), and how long after the last
storm alert was accepted all of them were correlated (Watchkeeper: no event left
pending; Alertmanager: its API lists them all). Alertmanager groups the storm by
`alertname` (one group) and gives each quiet alert its own group, `group_wait: 0s`.

*sustained*: distinct alerts, one per request, on 8 keep-alive connections as fast as
each system accepts them, for 30 s; every alert is its own incident (Watchkeeper) or
group (Alertmanager) and one message at the sink. We report messages delivered per
second in the window and the backlog at its end, in seconds of input.

Run through `python -m bench.paging --case storm|sustained`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx2
from sqlalchemy import text

from bench.ingest import database_url
from bench.ingest_load import HttpConnection
from bench.paging_systems import CONNECTIONS, Alertmanager, Sink, Target, Watchkeeper
from watchkeeper.db.session import Database

STORM_BODY = 100
QUIET_EVERY = 0.5
QUIET_AFTER = 2.0  # keep paging the quiet service this long after the storm is worked off
SUSTAIN = 30.0


@dataclass
class StormResult:
    accepted_s: float  # first storm body sent -> last storm body accepted
    correlated_s: float  # last storm body accepted -> all correlated
    quiet_sent: int
    quiet_paged: int
    quiet_p50_ms: float
    quiet_max_ms: float
    quiet_accept_max_ms: float  # of that, the longest wait for the quiet alert's 202


@dataclass
class SustainedResult:
    sent: int
    delivered: int
    per_second: float
    backlog_s: float  # accepted but not delivered at the end, in seconds of input


def _storm_bodies(system: str, count: int) -> list[bytes]:
    now = datetime.now(UTC).isoformat()
    bodies = []
    for start in range(0, count, STORM_BODY):
        alerts = [
            {
                "status": "firing",
                "labels": {"alertname": "RegionDown", "instance": f"storm-{n}"},
                "annotations": {"summary": f"storm-{n} is down"},
                "startsAt": now,
            }
            for n in range(start, min(count, start + STORM_BODY))
        ]
        if system == "alertmanager":
            for alert in alerts:
                del alert["status"]
            bodies.append(json.dumps(alerts).encode())
        else:
            bodies.append(
                json.dumps(
                    {
                        "version": "4",
                        "groupKey": '{}:{alertname="RegionDown"}',
                        "receiver": "watchkeeper",
                        "status": "firing",
                        "alerts": alerts,
                    }
                ).encode()
            )
    return bodies


async def _send_all(port: int, path: str, bodies: list[bytes]) -> float:
    """Closed loop over CONNECTIONS connections; returns when the last was accepted."""
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)

    async def worker() -> None:
        connection = HttpConnection("127.0.0.1", port)
        try:
            while not queue.empty():
                status, answer = await connection.post(path, queue.get_nowait())
                if status >= 300:
                    raise RuntimeError(f"storm body answered {status}: {answer[:200]!r}")
        finally:
            await connection.close()

    await asyncio.gather(*(worker() for _ in range(CONNECTIONS)))
    return time.perf_counter()


async def _quiet(
    target: Target, tag: str, stop: asyncio.Event, accepted: dict[bytes, float]
) -> dict[bytes, float]:
    """One alert every QUIET_EVERY seconds until `stop`; returns key -> send time, and
    notes in `accepted` when each was answered."""
    sent: dict[bytes, float] = {}
    connection = HttpConnection("127.0.0.1", target.port)
    try:
        number = 0
        while not stop.is_set():
            key = f"bench-9{tag}-9-{number}"
            sent[key.encode()] = time.perf_counter()
            status, _ = await connection.post(target.path, target.body(key))
            if status >= 300:
                raise RuntimeError(f"{target.name} refused a quiet alert: {status}")
            accepted[key.encode()] = time.perf_counter()
            number += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), QUIET_EVERY)
    finally:
        await connection.close()
    return sent


def _pending(database: Database) -> Callable[[], int]:
    def left() -> int:
        with database.transaction(write=False) as session:
            query = text("SELECT COUNT(*) FROM events WHERE processed_at IS NULL")
            return int(session.execute(query).scalar_one())

    return left


def _listed(port: int, total: int) -> Callable[[], int]:
    """Alertmanager: how many storm alerts its API does not list yet."""

    def left_out() -> int:
        url = f"http://127.0.0.1:{port}/api/v2/alerts"
        alerts = httpx2.get(url, params={"filter": 'alertname="RegionDown"'}, timeout=30).json()
        return total - len(alerts)

    return left_out


async def storm(
    sink: Sink,
    storm_target: Target,
    quiet_target: Target,
    left: Callable[[], int],
    *,
    system: str,
    count: int,
    tag: str,
) -> StormResult:
    bodies = _storm_bodies(system, count)
    stop = asyncio.Event()
    answered: dict[bytes, float] = {}
    quiet = asyncio.create_task(_quiet(quiet_target, tag, stop, answered))
    await asyncio.sleep(QUIET_EVERY * 2)  # a few quiet pages before the storm
    started = time.perf_counter()
    accepted = await _send_all(storm_target.port, storm_target.path, bodies)
    while await asyncio.to_thread(left) > 0:
        await asyncio.sleep(0.05)
    correlated = time.perf_counter()
    await asyncio.sleep(QUIET_AFTER)
    stop.set()
    sent = await quiet
    deadline = time.perf_counter() + 30
    while time.perf_counter() < deadline and not all(key in sink.arrivals for key in sent):
        await asyncio.sleep(0.05)
    during = {key: at for key, at in sent.items() if started <= at <= correlated}
    late = [(sink.arrivals[key] - at) * 1000 for key, at in during.items() if key in sink.arrivals]
    intake = [(answered[key] - at) * 1000 for key, at in during.items() if key in answered]
    missing = len(during) - len(late)
    return StormResult(
        accepted_s=accepted - started,
        correlated_s=correlated - accepted,
        quiet_sent=len(during),
        quiet_paged=len(during) - missing,
        quiet_p50_ms=statistics.median(late) if late else float("nan"),
        quiet_max_ms=max(late) if late and not missing else float("inf"),
        quiet_accept_max_ms=max(intake, default=float("nan")),
    )


async def sustained(sink: Sink, target: Target, *, tag: str, seconds: float) -> SustainedResult:
    sent: dict[bytes, float] = {}
    deadline = time.perf_counter() + seconds
    counter = iter(range(10**9))

    async def worker() -> None:
        connection = HttpConnection("127.0.0.1", target.port)
        try:
            while time.perf_counter() < deadline:
                key = f"bench-{tag}-8-{next(counter)}"
                status, answer = await connection.post(target.path, target.body(key))
                if status >= 300:
                    raise RuntimeError(f"{target.name} answered {status}: {answer[:200]!r}")
                sent[key.encode()] = time.perf_counter()
        finally:
            await connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONNECTIONS)))
    ended = time.perf_counter()
    delivered = sum(1 for key in sent if sink.arrivals.get(key, ended + 1) <= ended)
    rate_in = len(sent) / (ended - started)
    return SustainedResult(
        sent=len(sent),
        delivered=delivered,
        per_second=delivered / (ended - started),
        backlog_s=(len(sent) - delivered) / rate_in if rate_in else 0.0,
    )


async def run_storm(
    sink: Sink,
    workdir: Path,
    alertmanager_binary: str | None,
    database: str,
    *,
    count: int,
    rounds: int,
) -> dict[str, list[StormResult]]:
    results: dict[str, list[StormResult]] = {"watchkeeper": [], "alertmanager": []}
    for round_ in range(rounds):
        here = workdir / f"storm-{round_}"
        here.mkdir(parents=True)
        with database_url(database, here) as url:
            wk = Watchkeeper(here, sink, url)
            store = Database.from_url(url)
            try:
                targets = await wk.services({"storm": ["alertname"], "quiet": []})
                result = await storm(
                    sink,
                    targets["storm"],
                    targets["quiet"],
                    _pending(store),
                    system="watchkeeper",
                    count=count,
                    tag=f"{round_}1",
                )
                results["watchkeeper"].append(result)
            finally:
                wk.stop()
                store.dispose()
        if alertmanager_binary:
            am = Alertmanager(alertmanager_binary, here, sink, group_by="['alertname']")
            try:
                target = am.target()
                result = await storm(
                    sink,
                    target,
                    target,
                    _listed(am.port, count),
                    system="alertmanager",
                    count=count,
                    tag=f"{round_}2",
                )
                results["alertmanager"].append(result)
            finally:
                am.stop()
    return results


async def run_sustained(
    sink: Sink,
    workdir: Path,
    alertmanager_binary: str | None,
    database: str,
    *,
    seconds: float,
    rounds: int,
) -> dict[str, list[SustainedResult]]:
    results: dict[str, list[SustainedResult]] = {"watchkeeper": [], "alertmanager": []}
    for round_ in range(rounds):
        here = workdir / f"sustained-{round_}"
        here.mkdir(parents=True)
        with database_url(database, here) as url:
            wk = Watchkeeper(here, sink, url)
            try:
                target = await wk.prepare()
                results["watchkeeper"].append(
                    await sustained(sink, target, tag=f"{round_}3", seconds=seconds)
                )
            finally:
                wk.stop()
        if alertmanager_binary:
            am = Alertmanager(alertmanager_binary, here, sink)
            try:
                results["alertmanager"].append(
                    await sustained(sink, am.target(), tag=f"{round_}4", seconds=seconds)
                )
            finally:
                am.stop()
    return results


def print_storm(results: dict[str, list[StormResult]], count: int) -> None:
    print(
        f"storm: {count:,} alerts to one grouped service; a quiet service paged every "
        f"{QUIET_EVERY:g} s meanwhile; medians of {len(results['watchkeeper'])} rounds"
    )
    print(
        f"{'system':<13}{'accepted s':>11}{'correlated s':>14}{'quiet sent':>11}"
        f"{'paged':>7}{'p50 ms':>9}{'max ms':>9}{'202 max ms':>11}"
    )
    for name, rows in results.items():
        if not rows:
            continue
        print(
            f"{name:<13}{statistics.median(r.accepted_s for r in rows):>11.2f}"
            f"{statistics.median(r.correlated_s for r in rows):>14.2f}"
            f"{statistics.median(r.quiet_sent for r in rows):>11.0f}"
            f"{statistics.median(r.quiet_paged for r in rows):>7.0f}"
            f"{statistics.median(r.quiet_p50_ms for r in rows):>9.1f}"
            f"{statistics.median(r.quiet_max_ms for r in rows):>9.1f}"
            f"{statistics.median(r.quiet_accept_max_ms for r in rows):>11.1f}"
        )
    ours, theirs = results["watchkeeper"], results["alertmanager"]
    if ours and theirs:
        ratio = statistics.median(r.quiet_max_ms for r in ours) / statistics.median(
            r.quiet_max_ms for r in theirs
        )
        print(f"quiet max latency watchkeeper/alertmanager: {ratio:.1f}x")


def print_sustained(results: dict[str, list[SustainedResult]], seconds: float) -> None:
    print(
        f"sustained: distinct alerts, one per request, {CONNECTIONS} connections, "
        f"{seconds:g} s; medians of {len(results['watchkeeper'])} rounds"
    )
    print(f"{'system':<13}{'sent':>8}{'delivered':>11}{'delivered/s':>13}{'backlog s':>11}")
    for name, rows in results.items():
        if not rows:
            continue
        print(
            f"{name:<13}{statistics.median(r.sent for r in rows):>8.0f}"
            f"{statistics.median(r.delivered for r in rows):>11.0f}"
            f"{statistics.median(r.per_second for r in rows):>13.1f}"
            f"{statistics.median(r.backlog_s for r in rows):>11.2f}"
        )
    ours, theirs = results["watchkeeper"], results["alertmanager"]
    if ours and theirs:
        ratio = statistics.median(r.per_second for r in ours) / statistics.median(
            r.per_second for r in theirs
        )
        print(f"delivered/s watchkeeper/alertmanager: {ratio:.2f}x")
