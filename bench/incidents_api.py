"""Incident API and page latency with a million incidents, on SQLite and PostgreSQL.

Loads N incidents (default 1,000,000, each with its timeline) into a fresh database,
starts the real server on it, and times, sequentially over HTTP:

- list: the first page of `GET /api/v1/incidents` with filters (status, priority,
  service, assignee, team, category and combinations);
- search: `GET /api/v1/incidents?q=...` with common and rare words;
- get: `GET /api/v1/incidents/{id}` for random incidents;
- page: the HTML incidents page with filters, as a logged-in browser gets it.

Prints p50/p95/max per case and database against the 50 ms p95 target.

Usage: python -m bench.incidents_api [--incidents 1000000] [--requests 300]
       [--databases sqlite,postgresql]
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
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx2
from sqlalchemy import text

from bench.dataset import COMPONENTS, Shape, load
from watchkeeper.catalog.access import service as access
from watchkeeper.catalog.access.passwords import hash_password
from watchkeeper.catalog.categories import service as categories
from watchkeeper.catalog.services import service as services
from watchkeeper.catalog.services.schemas import ServiceCreate
from watchkeeper.catalog.teams import service as teams
from watchkeeper.catalog.teams.schemas import TeamCreate
from watchkeeper.catalog.users.models import User
from watchkeeper.db import migrate
from watchkeeper.db.session import Database

PASSWORD = "benchmark-password"
TARGET_MS = 50.0
POSTGRES_URL = os.environ.get(
    "WATCHKEEPER_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@contextmanager
def fresh_database(kind: str, workdir: Path) -> Iterator[tuple[Database, str]]:
    if kind == "sqlite":
        url = f"sqlite:///{workdir / 'bench.db'}"
        database = Database.from_url(url)
        yield database, url
        database.dispose()
        return
    schema = "wk_bench"
    admin = Database.from_url(POSTGRES_URL, pool_size=1)
    with admin.engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"
    database = Database.from_url(url)
    try:
        yield database, url
    finally:
        database.dispose()
        with admin.engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def setup_catalog(database: Database, now: datetime) -> tuple[Shape, str, list[int]]:
    """Users, teams, services and categories; returns the shape, an admin token, team ids."""
    password_hash = hash_password(PASSWORD)

    def work(session: object) -> tuple[list[int], list[int], list[int], str, list[int]]:
        from sqlalchemy.orm import Session

        assert isinstance(session, Session)
        categories.seed_defaults(session)
        team_ids = [
            teams.create(session, data=TeamCreate(name=f"Team {n}"), now=now).id for n in range(10)
        ]
        users = [
            User(
                login=f"user{n:03d}",
                name=f"User {n}",
                email=None,
                role="responder",
                password_hash=password_hash,
                is_active=True,
                must_change_password=False,
                time_zone="UTC",
                created_at=now,
                updated_at=now,
            )
            for n in range(200)
        ]
        admin = User(
            login="bench",
            name="Bench",
            email=None,
            role="admin",
            password_hash=password_hash,
            is_active=True,
            must_change_password=False,
            time_zone="UTC",
            created_at=now,
            updated_at=now,
        )
        session.add_all([*users, admin])
        session.flush()
        service_ids = [
            services.create(
                session,
                data=ServiceCreate(
                    name=f"{COMPONENTS[n % len(COMPONENTS)]} {n}", owner_team_id=team_ids[n % 10]
                ),
                now=now,
            ).id
            for n in range(50)
        ]
        category_ids = [c.id for c in categories.tree(session) if c.parent_id is not None]
        _, token = access.create_token(
            session, owner=admin, name="bench", role=None, expires_in_days=None, now=now
        )
        return [u.id for u in users], service_ids, category_ids, token, team_ids

    user_ids, service_ids, category_ids, token, team_ids = database.run(work)
    return Shape(0, service_ids, user_ids, category_ids, now), token, team_ids


def start_server(url: str, data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "WATCHKEEPER_DATABASE_URL": url,
        "WATCHKEEPER_DATA_DIR": str(data_dir),
        "WATCHKEEPER_LOG_LEVEL": "WARNING",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "watchkeeper", "serve", "--port", str(port)],
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


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def measure(client: httpx2.Client, path: Callable[[], str], runs: int) -> list[float]:
    for _ in range(10):
        client.get(path())
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path())
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(
                f"{response.request.url}: {response.status_code} {response.text[:200]}"
            )
    return timings


def cases(shape: Shape, team_ids: list[int], rng: random.Random) -> dict[str, Callable[[], str]]:
    def listing() -> str:
        options = [
            "status=triggered",
            "status=acknowledged&status=triggered",
            "priority=P1",
            f"service_id={rng.choice(shape.services)}",
            f"assignee_id={rng.choice(shape.users)}",
            f"team_id={rng.choice(team_ids)}",
            f"category_id={rng.choice(shape.categories)}",
            f"status=closed&priority=P2&service_id={rng.choice(shape.services)}",
            f"priority=P1&assignee_id={rng.choice(shape.users)}",
            "status=resolved&sort=-priority",
        ]
        return f"/api/v1/incidents?limit=50&{rng.choice(options)}"

    def search() -> str:
        words = [
            *COMPONENTS,
            "latency",
            "replication",
            f"{rng.choice(COMPONENTS)[:3]}-{rng.randint(0, 9999):04d}",
            "deploy checkout",
            "failover postgres",
        ]
        return f"/api/v1/incidents?limit=50&q={rng.choice(words)}"

    def get_one() -> str:
        return f"/api/v1/incidents/{rng.randint(1, shape.incidents)}"

    def page() -> str:
        options = [
            "",
            "status=triggered",
            "priority=P1",
            f"service_id={rng.choice(shape.services)}",
            "q=checkout",
        ]
        return f"/incidents?{rng.choice(options)}"

    return {"list": listing, "search": search, "get": get_one, "page": page}


def login(client: httpx2.Client) -> None:
    client.get("/login")
    response = client.post(
        "/login",
        data={"login": "bench", "password": PASSWORD, "csrf_token": client.cookies["wk_csrf"]},
    )
    if response.status_code != 303:
        raise RuntimeError(f"login failed: {response.status_code}")


def run(kind: str, incidents: int, requests: int) -> list[tuple[str, str, list[float]]]:
    with tempfile.TemporaryDirectory() as tmp, fresh_database(kind, Path(tmp)) as (database, url):
        migrate.upgrade(database)
        now = datetime.now(UTC)
        shape, token, team_ids = setup_catalog(database, now)
        shape = Shape(incidents, shape.services, shape.users, shape.categories, now)
        print(f"{kind}: loading {incidents:,} incidents")
        started = time.perf_counter()
        load(database, shape)
        print(f"{kind}: loaded in {time.perf_counter() - started:.0f} s")
        port = _free_port()
        server = start_server(url, Path(tmp), port)
        try:
            base = f"http://127.0.0.1:{port}"
            api = httpx2.Client(
                base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30
            )
            browser = httpx2.Client(base_url=base, timeout=30)
            login(browser)
            rng = random.Random(11)
            results = []
            for name, path in cases(shape, team_ids, rng).items():
                client = browser if name == "page" else api
                results.append((kind, name, measure(client, path, requests)))
            api.close()
            browser.close()
            return results
        finally:
            server.terminate()
            server.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    results = []
    for kind in args.databases.split(","):
        results += run(kind, args.incidents, args.requests)
    print(f"\n{args.incidents:,} incidents, {args.requests} sequential requests per case (ms)")
    print(
        f"{'database':<12}{'case':<8}{'p50':>8}{'p95':>8}{'max':>9}  target p95 < {TARGET_MS:.0f}"
    )
    for kind, name, timings in results:
        ordered = sorted(timings)
        p95 = ordered[int(len(ordered) * 0.95) - 1]
        verdict = "ok" if p95 < TARGET_MS else "MISSED"
        print(
            f"{kind:<12}{name:<8}{statistics.median(ordered):>8.1f}{p95:>8.1f}"
            f"{ordered[-1]:>9.1f}  {verdict}"
        )


if __name__ == "__main__":
    main()
