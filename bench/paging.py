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

The storm and sustained cases are in bench/storm.py.

Usage: python -m bench.paging [--case rates|storm|sustained] [--database sqlite|postgresql]
       [--rates 10,100] [--storm 20000] [--seconds 10] [--rounds 3]
       [--alertmanager /usr/bin/prometheus-alertmanager]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench import storm
from bench.ingest import database_url
from bench.ingest_load import HttpConnection
from bench.paging_systems import (
    CONNECTIONS,
    SETTLE_TIMEOUT,
    Alertmanager,
    Sink,
    Target,
    Watchkeeper,
)


@dataclass
class Outcome:
    sent: int
    delivered: int
    p50_ms: float
    p99_ms: float


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


async def main(args: argparse.Namespace) -> None:
    sink = Sink()
    server = await sink.start()
    try:
        with tempfile.TemporaryDirectory(prefix="wk-bench-paging-") as tmp:
            binary = args.alertmanager if Path(args.alertmanager).exists() else None
            if binary is None:
                print(f"no {args.alertmanager}: Watchkeeper alone", file=sys.stderr)
            print(f"Watchkeeper on {args.database}")
            if args.case == "storm":
                storms = await storm.run_storm(
                    sink, Path(tmp), binary, args.database, count=args.storm, rounds=args.rounds
                )
                storm.print_storm(storms, args.storm)
            elif args.case == "sustained":
                runs = await storm.run_sustained(
                    sink, Path(tmp), binary, args.database, seconds=args.seconds, rounds=args.rounds
                )
                storm.print_sustained(runs, args.seconds)
            else:
                with database_url(args.database, Path(tmp)) as url:
                    await _rates(sink, Path(tmp), binary, url, args)
    finally:
        server.close()


async def _rates(
    sink: Sink, workdir: Path, binary: str | None, url: str, args: argparse.Namespace
) -> None:
    rates = [float(rate) for rate in args.rates.split(",")]
    watchkeeper = Watchkeeper(workdir, sink, url)
    alertmanager = None
    try:
        targets = [await watchkeeper.prepare()]
        if binary is not None:
            alertmanager = Alertmanager(binary, workdir, sink)
            targets.append(alertmanager.target())
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
    parser.add_argument("--case", choices=["rates", "storm", "sustained"], default="rates")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--rates", default="10,100")
    parser.add_argument("--storm", type=int, default=20_000, help="alerts in the storm")
    parser.add_argument("--seconds", type=float, default=None, help="10 (rates), 30 (sustained)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--alertmanager", default="/usr/bin/prometheus-alertmanager")
    arguments = parser.parse_args()
    if arguments.seconds is None:
        arguments.seconds = 30.0 if arguments.case == "sustained" else 10.0
    asyncio.run(main(arguments))
