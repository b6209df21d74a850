"""Crash test of the intake: a 202 means committed, even when the server is killed.

While several senders post distinct events, the server gets SIGKILL at a random moment
(with its engine child process, as when a container is killed) and is restarted on the
same database; every event answered 202 must then be in the `events` table. After the
last cycle the engine must process every stored event, and each accepted one must have
its alert. CYCLES rounds on SQLite and on PostgreSQL; one lost event fails the test.

The alerts are checked once at the end: a killed engine's lease has to expire before the
restarted one takes over (LEASE_TTL), so waiting for the engine in every cycle would
spend that wait twenty times over.
"""

from __future__ import annotations

import os
import random
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import httpx2
import pytest
from sqlalchemy import text

from tests.e2e.peers import admin_token, api_client, create_integration, tail
from tests.e2e.server import ServerProcess, start_server
from tests.pg import fresh_schema, schema_name
from watchkeeper.db.session import Database
from watchkeeper.engine.runner import LEASE_TTL

pytestmark = pytest.mark.e2e

CYCLES = 20
SENDERS = 2
KILL_AFTER = (0.2, 1.5)  # seconds of load before the kill, drawn per cycle
# On SQLite a 202 can wait seconds while the engine correlates a backlog (it holds the
# write lock); a slow answer still counts, so senders wait long for one.
ANSWER_TIMEOUT = 60.0
# The last server waits out the killed one's engine lease, then correlates the backlog.
CATCH_UP = LEASE_TTL.total_seconds() + 90.0
# The rate limit would answer 429 to part of the load; here every request should count.
ENV = {"WATCHKEEPER_INGEST_RATE_LIMIT": "1000000 per second", "WATCHKEEPER_LOG_LEVEL": "WARNING"}


@dataclass
class Load:
    """Senders that post distinct events until the server goes away, keeping every 202."""

    url: str
    cycle: int
    accepted: list[str] = field(default_factory=list)
    answers: Counter[str] = field(default_factory=Counter)
    started: threading.Event = field(default_factory=threading.Event)
    threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> None:
        self.threads = [
            threading.Thread(target=self._send, args=(index,), name=f"sender-{index}")
            for index in range(SENDERS)
        ]
        for thread in self.threads:
            thread.start()

    def join(self) -> None:
        for thread in self.threads:
            thread.join(30)
            assert not thread.is_alive(), f"{thread.name} still sending after the kill"

    def _send(self, index: int) -> None:
        with httpx2.Client(timeout=ANSWER_TIMEOUT) as client:
            for number in range(1_000_000):
                key = f"k-{self.cycle}-{index}-{number}"
                body = {"summary": f"crash test event {key}", "dedup_key": key}
                try:
                    response = client.post(self.url, json=body)
                except httpx2.TransportError as exc:
                    # The server is gone: this request's fate is unknown, and that is allowed.
                    self.answers[type(exc).__name__] += 1
                    return
                self.answers[str(response.status_code)] += 1
                if response.status_code == 202:
                    self.accepted.append(key)
                    self.started.set()


@contextmanager
def database_url(kind: str, data: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{data / 'watchkeeper.db'}"
        return
    with fresh_schema(schema_name(request, "crash")) as url:
        yield url


def _fingerprints(database: Database, table: str, cycle: int | None = None) -> Counter[str]:
    """How often each fingerprint of the test's keys (of one cycle) is in `table`."""
    prefix = "k-%" if cycle is None else f"k-{cycle}-%"
    with database.transaction(write=False) as session:
        rows = session.execute(
            text(f"SELECT fingerprint FROM {table} WHERE fingerprint LIKE :prefix"),
            {"prefix": prefix},
        )
        return Counter(row[0] for row in rows)


def _pending(database: Database) -> int:
    with database.transaction(write=False) as session:
        left = session.execute(text("SELECT COUNT(*) FROM events WHERE processed_at IS NULL"))
        return int(left.scalar_one())


def _wait_processed(database: Database, server: ServerProcess, where: str) -> None:
    deadline = time.monotonic() + CATCH_UP
    while (left := _pending(database)) > 0:
        if time.monotonic() > deadline:
            raise AssertionError(
                f"{where}: {left} events still unprocessed after {CATCH_UP:.0f} s\n"
                f"{tail(server.output)}"
            )
        time.sleep(0.2)


def _descendants(pid: int) -> list[int]:
    """The pids of a process's children, theirs, and so on (Linux /proc)."""
    found: list[int] = []
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        with suppress(OSError):
            for child in children.read_text().split():
                found += [int(child), *_descendants(int(child))]
    return found


def _kill_during_load(server: ServerProcess, load: Load, delay: float) -> None:
    load.start()
    try:
        if not load.started.wait(ANSWER_TIMEOUT):
            raise AssertionError(
                f"cycle {load.cycle}: no event accepted within {ANSWER_TIMEOUT:.0f} s; answers "
                f"{dict(load.answers)}\n{tail(server.output)}"
            )
        time.sleep(delay)
    finally:
        # SIGKILL by pid, the engine child first (else it would be told to stop cleanly):
        # no shutdown code runs anywhere, as in a crash or an OOM kill.
        for pid in [*_descendants(server.process.pid), server.process.pid]:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        server.stop()
        load.join()


# Twenty restarts of the server (two Python processes each) dominate the time; on a
# busy two-core machine that alone can approach the suite's default timeout.
@pytest.mark.timeout(900)
@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_every_accepted_event_survives_kill_9(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    data = tmp_path / "data"
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    accepted: dict[str, int] = {}  # dedup key -> cycle
    with database_url(kind, data, request) as url:
        env = {**ENV, "WATCHKEEPER_DATABASE_URL": url}
        server = start_server(data, env=env)
        database = Database.from_url(url)
        try:
            with api_client(server, admin_token(data, env)) as api:
                integration_key = create_integration(api, service="Crash", type_="generic")["key"]
            for cycle in range(CYCLES):
                delay = rng.uniform(*KILL_AFTER)
                # Every start takes a new port; the integration key stays valid.
                load = Load(f"{server.url}/api/v1/integrations/{integration_key}/events", cycle)
                _kill_during_load(server, load, delay)
                server = start_server(data, env=env)
                where = (
                    f"{kind}, cycle {cycle + 1} of {CYCLES} (seed {seed}), killed after "
                    f"{delay:.2f} s of load, {len(load.accepted)} accepted, "
                    f"answers {dict(load.answers)}"
                )
                stored = _fingerprints(database, "events", cycle)
                lost = [key for key in load.accepted if key not in stored]
                assert not lost, f"{where}: {len(lost)} accepted events lost: {lost[:10]}"
                doubled = {key: count for key, count in stored.items() if count > 1}
                assert not doubled, f"{where}: events stored more than once: {doubled}"
                accepted.update(dict.fromkeys(load.accepted, cycle))

            where = f"{kind} after {CYCLES} cycles (seed {seed}), {len(accepted)} accepted"
            _wait_processed(database, server, where)
            alerted = _fingerprints(database, "alerts")
            missing = [f"{key} (cycle {accepted[key] + 1})" for key in accepted if not alerted[key]]
            assert not missing, f"{where}: accepted events without an alert: {missing[:10]}"
            doubled = {key: count for key, count in alerted.items() if count > 1}
            assert not doubled, f"{where}: more than one alert for one key: {doubled}"
        finally:
            server.stop()
            database.dispose()
    assert len(accepted) >= CYCLES, f"too little load to prove anything: {len(accepted)} accepted"
