"""Report latency with a large incident history, on SQLite and PostgreSQL.

Loads N incidents over three years with their timelines (bench/dataset.py), one alert per
incident opened from an alert and one page per assigned incident, into a fresh database;
starts the real server on it and times, sequentially over HTTP, each report of the API
and each report page (as a logged-in browser gets it) over the last 7, 30 and 90 days.

Prints p50/p95/max per report and database against the targets (API p95 <= 200 ms,
page p95 <= 300 ms).

Usage: python -m bench.analytics [--incidents 1000000] [--requests 40]
       [--databases sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx2
from sqlalchemy import text

from bench.dataset import Shape, load
from bench.incidents_api import (
    POSTGRES_URL,
    _free_port,
    login,
    measure,
    setup_catalog,
    start_server,
)
from watchkeeper.db import migrate
from watchkeeper.db.session import Database

API_TARGET_MS, PAGE_TARGET_MS = 200.0, 300.0
SPANS = ("7d", "30d", "90d")


SCHEMA = "wk_bench_analytics"  # its own: other benchmarks may share the PostgreSQL server


@contextmanager
def fresh_database(kind: str, workdir: Path) -> Iterator[tuple[Database, str]]:
    """A new SQLite file, or a new PostgreSQL schema of this benchmark's own."""
    if kind == "sqlite":
        url = f"sqlite:///{workdir / 'bench.db'}"
        database = Database.from_url(url)
        yield database, url
        database.dispose()
        return
    admin = Database.from_url(POSTGRES_URL, pool_size=1)
    with admin.engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{SCHEMA}"'))
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{SCHEMA}"
    database = Database.from_url(url)
    try:
        yield database, url
    finally:
        database.dispose()
        with admin.engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE'))
        admin.dispose()


def add_alerts_and_pages(database: Database) -> None:
    """One resolved alert per incident from an alert (200 alert names on 500 fingerprints),
    one page per assigned incident, written with INSERT ... SELECT."""
    json = "CAST({} AS JSON)" if not database.is_sqlite else "{}"
    name = "'A' || CAST(id % 200 AS TEXT)"
    labels = json.format('\'{"alertname": "\' || ' + name + " || '\"}'")
    with database.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO alerts (service_id, fingerprint, status, summary, severity, source,"
                " labels, details, links, first_seen_at, last_seen_at, resolved_at, count,"
                " incident_id, flapping) "
                f"SELECT service_id, 'fp-' || CAST(id % 500 AS TEXT), 'resolved', title,"
                f" 'critical', 'bench', {labels}, {json.format(repr('{}'))},"
                f" {json.format(repr('[]'))}, created_at, COALESCE(resolved_at, created_at),"
                " COALESCE(resolved_at, created_at), 1 + id % 7, id, false"
                " FROM incidents WHERE source = 'alert'"
            )
        )
        connection.execute(
            text(
                "INSERT INTO pages (incident_id, user_id, reason, level, urgency, created_at,"
                " planned) SELECT id, assignee_id, 'escalation level 1', 1, 'high', created_at,"
                " true FROM incidents WHERE assignee_id IS NOT NULL"
            )
        )
        if not database.is_sqlite:
            connection.execute(text("ANALYZE"))


def cases(rng: random.Random) -> dict[str, Callable[[], str]]:
    def api(report: str, **more: str) -> Callable[[], str]:
        def path() -> str:
            query = "&".join(f"{k}={v}" for k, v in {"since": rng.choice(SPANS), **more}.items())
            return f"/api/v1/reports/{report}?{query}"

        return path

    def page(path: str) -> Callable[[], str]:
        return lambda: f"{path}?since={rng.choice(SPANS)}"

    return {
        "api response by service": api("response", by="service"),
        "api response by team": api("response", by="team"),
        "api sla by priority": api("sla", by="priority"),
        "api noise": api("noise"),
        "api load": api("load"),
        "page response": page("/reports"),
        "page sla": page("/reports/sla"),
        "page noise": page("/reports/noise"),
        "page load": page("/reports/load"),
    }


def run(kind: str, incidents: int, requests: int) -> list[tuple[str, str, list[float]]]:
    with tempfile.TemporaryDirectory() as tmp, fresh_database(kind, Path(tmp)) as (database, url):
        migrate.upgrade(database)
        now = datetime.now(UTC)
        shape, token, _ = setup_catalog(database, now)
        shape = Shape(incidents, shape.services, shape.users, shape.categories, now)
        print(f"{kind}: loading {incidents:,} incidents")
        started = time.perf_counter()
        load(database, shape)
        add_alerts_and_pages(database)
        print(f"{kind}: loaded in {time.perf_counter() - started:.0f} s")
        port = _free_port()
        server = start_server(url, Path(tmp), port)
        try:
            base = f"http://127.0.0.1:{port}"
            api = httpx2.Client(
                base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=60
            )
            browser = httpx2.Client(base_url=base, timeout=60)
            login(browser)
            rng = random.Random(13)
            results = []
            for name, path in cases(rng).items():
                client = browser if name.startswith("page") else api
                results.append((kind, name, measure(client, path, requests)))
                print(f"  {name}: p50 {statistics.median(results[-1][2]):.0f} ms", flush=True)
            api.close()
            browser.close()
            return results
        finally:
            server.terminate()
            server.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    results = []
    for kind in args.databases.split(","):
        results += run(kind, args.incidents, args.requests)
    print(f"\n{args.incidents:,} incidents, {args.requests} sequential requests per case (ms),")
    print("each request over a random range of the last 7, 30 or 90 days")
    print(f"{'database':<12}{'report':<26}{'p50':>8}{'p95':>8}{'max':>9}  target p95")
    for kind, name, timings in results:
        ordered = sorted(timings)
        p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
        target = PAGE_TARGET_MS if name.startswith("page") else API_TARGET_MS
        verdict = f"<= {target:.0f}: " + ("ok" if p95 <= target else "MISSED")
        print(
            f"{kind:<12}{name:<26}{statistics.median(ordered):>8.1f}{p95:>8.1f}"
            f"{ordered[-1]:>9.1f}  {verdict}"
        )


if __name__ == "__main__":
    main()
