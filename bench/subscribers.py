"""Does a fan-out to 10,000 status page subscribers delay paging?

A real `watchkeeper serve` pages the admin by webhook (as bench/paging.py: alert sent ->
signed webhook read by a local sink). A status page has 10,000 confirmed webhook
subscribers (inserted straight into the database: subscribing is not what is measured),
posting to a second local sink. Each round measures the page latency of a steady alert
rate twice: once with nothing else going on, and once right after a public update is
published, while its 10,000 messages are queued and delivered. The table shows medians
over rounds and the ratio, and how long the fan-out took to deliver.

Usage: python -m bench.subscribers [--database sqlite|postgresql] [--subscribers 10000]
       [--rate 5] [--seconds 10] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx2
from sqlalchemy import insert

from bench.ingest import database_url
from bench.paging import Outcome, _measure
from bench.paging_systems import WATCHKEEPER, Sink, Watchkeeper
from watchkeeper.db.session import Database
from watchkeeper.response.subscriptions.models import Subscriber


def _token(watchkeeper: Watchkeeper) -> str:
    return subprocess.run(
        [*WATCHKEEPER, "token", "create", "--user", "admin", "--name", "bench-status"],
        env=watchkeeper.env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[-1]


def _subscribe(url: str, page_id: int, count: int, address: str) -> None:
    database = Database.from_url(url, pool_size=1)
    now = datetime.now(UTC)
    rows = [
        {
            "page_id": page_id,
            "kind": "webhook",
            "address": f"{address}?n={index}",
            "secret": None,
            "token": secrets.token_urlsafe(32),
            "confirmed_at": now,
            "created_at": now,
        }
        for index in range(count)
    ]
    with database.engine.begin() as connection:
        connection.execute(insert(Subscriber), rows)
    database.dispose()


async def _delivered(sink: Sink, expected: int, started: float, timeout: float = 600) -> float:
    while len(sink.bodies) < expected and time.perf_counter() - started < timeout:
        await asyncio.sleep(0.05)
    return time.perf_counter() - started


async def run(args: argparse.Namespace) -> None:
    pager, fans = Sink(), Sink()
    servers = [await pager.start(), await fans.start()]
    try:
        with (
            tempfile.TemporaryDirectory(prefix="wk-bench-subscribers-") as tmp,
            database_url(args.database, Path(tmp)) as url,
        ):
            watchkeeper = Watchkeeper(Path(tmp), pager, url)
            try:
                await _rounds(watchkeeper, url, pager, fans, args)
            finally:
                watchkeeper.stop()
    finally:
        for server in servers:
            server.close()


async def _rounds(
    watchkeeper: Watchkeeper, url: str, pager: Sink, fans: Sink, args: argparse.Namespace
) -> None:
    target = await watchkeeper.prepare()
    headers = {"Authorization": f"Bearer {_token(watchkeeper)}"}
    async with httpx2.AsyncClient(
        base_url=f"http://127.0.0.1:{watchkeeper.port}", headers=headers, timeout=30
    ) as api:
        page = (await api.post("/api/v1/status-pages", json={"slug": "b", "title": "B"})).json()
        component = (
            await api.post(f"/api/v1/status-pages/{page['id']}/components", json={"name": "API"})
        ).json()
        _subscribe(url, page["id"], args.subscribers, f"http://127.0.0.1:{fans.port}/hook")
        quiet: list[Outcome] = []
        busy: list[Outcome] = []
        fanout_seconds: list[float] = []
        for round_ in range(args.rounds):
            quiet.append(await _measure(pager, target, args.rate, args.seconds, f"{round_}-1"))
            await asyncio.sleep(1.0)
            expected = len(fans.bodies) + args.subscribers
            started = time.perf_counter()
            answer = await api.post(
                f"/api/v1/status-pages/{page['id']}/incidents",
                json={
                    "name": f"Round {round_}",
                    "update": {
                        "state": "investigating",
                        "body": "Looking into it.",
                        "affected": {str(component["id"]): "partial_outage"},
                        "publish": True,
                    },
                },
            )
            answer.raise_for_status()
            delivered = asyncio.create_task(_delivered(fans, expected, started))
            busy.append(await _measure(pager, target, args.rate, args.seconds, f"{round_}-2"))
            fanout_seconds.append(await delivered)
            await asyncio.sleep(1.0)
    _print(quiet, busy, fanout_seconds, args)


def _print(
    quiet: list[Outcome], busy: list[Outcome], fanout: list[float], args: argparse.Namespace
) -> None:
    still = statistics.median(o.p50_ms for o in quiet)
    storm = statistics.median(o.p50_ms for o in busy)
    print(
        f"{args.subscribers} subscribers, {args.rate:g} alerts/s for {args.seconds:g} s, "
        f"{args.rounds} rounds, {args.database}"
    )
    print("| case | page latency p50 (median of rounds) | p99 (median) | delivered |")
    print("|---|---|---|---|")
    for name, runs, p50 in (("no fan-out", quiet, still), ("during fan-out", busy, storm)):
        p99 = statistics.median(o.p99_ms for o in runs)
        got = sum(o.delivered for o in runs)
        sent = sum(o.sent for o in runs)
        print(f"| {name} | {p50:.1f} ms | {p99:.1f} ms | {got}/{sent} |")
    print(f"ratio (during / without): {storm / still:.2f}")
    print(f"fan-out delivered all messages in (median) {statistics.median(fanout):.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=5.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
