"""Public status page latency: 50 components with 2 years of status history.

Loads one page with 50 components in 5 groups, each with about three status changes a
day for two years (~110,000 status periods), plus 400 public incidents with updates;
starts the real server (no engine) and times, sequentially over HTTP:

- page: `GET /status/bench` (the HTML page with 90 daily bars per component);
- page 304: the same with the ETag of the previous answer;
- summary: `GET /status/bench/api/v2/summary.json`;
- refresh: one run of the status cycle (every component's status), in process;
- baseline: `GET /healthz` on the same server, so a busy machine shows as such: each
  case also prints its median as a multiple of the baseline's.

Prints p50/p95/max per case and database against the 50 ms p95 target.

Usage: python -m bench.statuspage [--requests 300] [--databases sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx2
from sqlalchemy import insert

from bench.incidents_api import _free_port, fresh_database
from watchkeeper.db import migrate
from watchkeeper.db.session import Database
from watchkeeper.response.statuspage.cycle import refresh
from watchkeeper.response.statuspage.models import (
    Component,
    ComponentGroup,
    PublicIncident,
    PublicUpdate,
    StatusPage,
    StatusPeriod,
)

TARGET_MS = 50.0
COMPONENTS = 50
DAYS = 730
STATUSES = ("degraded_performance", "partial_outage", "major_outage", "under_maintenance")


def load(database: Database, now: datetime, rng: random.Random) -> int:
    """The page, its components and their history; returns the number of periods."""
    start = now - timedelta(days=DAYS)
    with database.transaction() as session:
        page = StatusPage(
            slug="bench",
            title="Bench status",
            time_zone="Europe/Berlin",
            priority_status={},
            visibility="public",
            created_at=start,
            updated_at=start,
        )
        session.add(page)
        session.flush()
        groups = []
        for number in range(5):
            group = ComponentGroup(
                page_id=page.id,
                name=f"Region {number}",
                position=number,
                created_at=start,
                updated_at=start,
            )
            session.add(group)
            groups.append(group)
        session.flush()
        components = []
        for number in range(COMPONENTS):
            component = Component(
                page_id=page.id,
                group_id=groups[number % 5].id,
                name=f"Component {number}",
                description="",
                position=number,
                status="operational",
                created_at=start,
                updated_at=start,
            )
            session.add(component)
            components.append(component)
        session.flush()
        periods = [row for c in components for row in _history(c.id, start, now, rng)]
        for chunk in range(0, len(periods), 10_000):
            session.execute(insert(StatusPeriod), periods[chunk : chunk + 10_000])
        _incidents(session, page.id, [c.id for c in components], start, rng)
    return len(periods)


def _history(
    component_id: int, start: datetime, now: datetime, rng: random.Random
) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    moment = start
    while True:
        calm = timedelta(minutes=rng.expovariate(1 / (16 * 60)))
        outage = timedelta(minutes=rng.expovariate(1 / 30))
        begins = moment + calm
        ends = begins + outage
        if ends >= now:
            rows.append(_period(component_id, "operational", moment, None))
            return rows
        rows.append(_period(component_id, "operational", moment, begins))
        rows.append(_period(component_id, rng.choice(STATUSES), begins, ends))
        moment = ends


def _period(cid: int, status: str, started: datetime, ended: datetime | None) -> dict[str, Any]:
    return {"component_id": cid, "status": status, "started_at": started, "ended_at": ended}


def _incidents(
    session: Any, page_id: int, ids: list[int], start: datetime, rng: random.Random
) -> None:
    for number in range(400):
        at = start + timedelta(hours=number * 43)
        record = PublicIncident(
            page_id=page_id,
            kind="incident",
            name=f"Incident {number}",
            state="resolved",
            affected={str(rng.choice(ids)): "partial_outage"},
            window_ids=[],
            postmortem_url="",
            created_at=at,
            updated_at=at + timedelta(hours=1),
            published_at=at,
            resolved_at=at + timedelta(hours=1),
        )
        session.add(record)
        session.flush()
        for step, state in enumerate(("investigating", "identified", "resolved")):
            session.add(
                PublicUpdate(
                    status_incident_id=record.id,
                    state=state,
                    body=f"{state} text " * 10,
                    affected=record.affected,
                    created_at=at + timedelta(minutes=20 * step),
                    published_at=at + timedelta(minutes=20 * step),
                )
            )


def start_server(url: str, data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "WATCHKEEPER_DATABASE_URL": url,
        "WATCHKEEPER_DATA_DIR": str(data_dir),
        "WATCHKEEPER_LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "watchkeeper", "serve", "--no-engine", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx2.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx2.TransportError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("server did not start")


def timed(call: Any, runs: int) -> list[float]:
    for _ in range(10):
        call()
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        call()
        timings.append((time.perf_counter() - began) * 1000)
    return timings


def report(kind: str, case: str, timings: list[float], baseline: float | None = None) -> None:
    p95 = statistics.quantiles(timings, n=20)[-1]
    median = statistics.median(timings)
    verdict = "ok" if p95 < TARGET_MS else "OVER"
    ratio = f", median {median / baseline:.1f}x baseline" if baseline else ""
    print(
        f"{kind:10} {case:12} p50 {median:7.2f} ms  "
        f"p95 {p95:7.2f} ms  max {max(timings):7.2f} ms  "
        f"(target p95 < {TARGET_MS:.0f} ms: {verdict}, {p95 / TARGET_MS:.2f} of it{ratio})"
    )


def run(kind: str, requests: int) -> None:
    now = datetime.now(UTC)
    print(f"load average before the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp, fresh_database(kind, Path(tmp)) as (database, url):
        migrate.upgrade(database)
        periods = load(database, now, random.Random(7))
        print(f"{kind}: {COMPONENTS} components, {periods:,} status periods over {DAYS} days")
        refresh_ms = timed(lambda: database.run(lambda s: refresh(s, datetime.now(UTC))), 50)
        report(kind, "refresh", refresh_ms)
        port = _free_port()
        server = start_server(url, Path(tmp), port)
        try:
            with httpx2.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
                first = client.get("/status/bench")
                assert first.status_code == 200, first.status_code
                etag = first.headers["etag"]
                base_ms = timed(lambda: client.get("/healthz"), requests)
                base = statistics.median(base_ms)
                report(kind, "baseline", base_ms)
                page = timed(lambda: client.get("/status/bench"), requests)
                report(kind, "page", page, base)
                conditional = {"If-None-Match": etag}
                again = timed(lambda: client.get("/status/bench", headers=conditional), requests)
                report(kind, "page 304", again, base)
                summary = "/status/bench/api/v2/summary.json"
                report(kind, "summary", timed(lambda: client.get(summary), requests), base)
        finally:
            server.terminate()
            server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    for kind in args.databases.split(","):
        run(kind.strip(), args.requests)


if __name__ == "__main__":
    main()
