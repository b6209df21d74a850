"""Soak: mixed load for a long while with a restart every few minutes, measured.

    python -m bench.soak                          # 30 minutes, a restart every 5, SQLite
    python -m bench.soak --minutes 10 --restart-every 2 --postgres

The real `watchkeeper serve` (web and engine) runs on an SQLite file (as `make run` sets it
up) or on a private PostgreSQL server, with one person on call paged by email through a
local SMTP server. For the whole run: a new Alertmanager alert every 0.2 s (every fifth one
resolved again a few seconds later), an acknowledgement of the oldest open incident every
second through the API, and a logged-in browser session reading the incident list and an
incident page every second. Every `--restart-every` minutes the server gets SIGTERM and is
started again on the same data.

Printed: per run segment, the memory (RSS of the server and its engine, summed) a minute
after the start and at the end, and its growth; answers that were not 2xx outside the
restart windows (a restart window is from the SIGTERM until the server is ready again,
plus a second); accepted alerts missing from the database; accepted alerts whose events
the engine has not handled at the end; and pages sent.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import httpx2
from sqlalchemy import text
from tests.alertmanager import firing
from tests.e2e.mail import Inbox
from tests.e2e.outage import inbox_server, on_call, session_cookie
from tests.e2e.peers import admin_token
from tests.e2e.server import ServerProcess, start_server
from tests.pgcluster import private_postgres

from watchkeeper.db.session import Database

SOAK = re.compile(r"Soak(\d+)")
WARM = 60.0  # seconds after a start before memory counts as settled
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
WATCHER = ("watcher", "soak-watcher-password")  # the browser session's user


@dataclass
class Live:
    """The server of the moment, and when restarts were under way."""

    server: ServerProcess
    windows: list[tuple[float, float]] = field(default_factory=list)
    restarting_since: float | None = None

    @property
    def url(self) -> str:
        return self.server.url

    def in_restart(self, sent: float, answered: float) -> bool:
        if self.restarting_since is not None and answered >= self.restarting_since:
            return True
        return any(start <= answered and sent <= end for start, end in self.windows)


@dataclass
class Tally:
    answers: Counter[str] = field(default_factory=Counter)
    failures: Counter[str] = field(default_factory=Counter)  # outside restart windows
    accepted: set[int] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def note(self, live: Live, kind: str, sent: float, status: int) -> None:
        ok = 200 <= status < 300 or (kind == "ack" and status == 409)  # acked meanwhile
        with self.lock:
            self.answers[kind] += 1
            if not ok and not live.in_restart(sent, time.monotonic()):
                self.failures[f"{kind} {status or 'no answer'}"] += 1


def rss(pgid: int) -> int:
    """Resident memory of every process in the group, in bytes."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == pgid:
                total += int((stat.parent / "statm").read_text().split()[1]) * PAGE_SIZE
        except (OSError, ValueError, IndexError):
            continue
    return total


def _repeat(stop: threading.Event, every: float, step: Callable[[], None]) -> None:
    while not stop.is_set():
        began = time.monotonic()
        with contextlib.suppress(httpx2.TransportError):
            step()
        stop.wait(max(0.0, every - (time.monotonic() - began)))


def _status(call: Callable[[], httpx2.Response]) -> int:
    try:
        return call().status_code
    except httpx2.TransportError:
        return 0


def _alerts(live: Live, key: str, tally: Tally, stop: threading.Event) -> None:
    number = 0
    to_resolve: list[tuple[float, int]] = []
    with httpx2.Client(timeout=10.0) as client:

        def step() -> None:
            nonlocal number
            number += 1
            url = f"{live.url}/api/v1/integrations/{key}/alertmanager"
            sent = time.monotonic()
            status = _status(lambda: client.post(url, json=firing(f"Soak{number}")))
            tally.note(live, "alert", sent, status)
            if 200 <= status < 300:
                with tally.lock:
                    tally.accepted.add(number)
                if number % 5 == 0:
                    to_resolve.append((sent + 5.0, number))
            while to_resolve and to_resolve[0][0] <= time.monotonic():
                _, old = to_resolve.pop(0)
                body = firing(f"Soak{old}")
                body["status"] = "resolved"
                for alert in body["alerts"]:
                    alert["status"] = "resolved"
                sent = time.monotonic()
                tally.note(live, "resolve", sent, _status(partial(client.post, url, json=body)))

        _repeat(stop, 0.2, step)


def _acks(live: Live, token: str, tally: Tally, stop: threading.Event) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx2.Client(timeout=10.0, headers=headers) as client:

        def step() -> None:
            sent = time.monotonic()
            try:
                listed = client.get(
                    f"{live.url}/api/v1/incidents", params={"status": "triggered", "limit": 1}
                )
            except httpx2.TransportError:
                tally.note(live, "list", sent, 0)
                return
            tally.note(live, "list", sent, listed.status_code)
            items = listed.json().get("items", []) if listed.status_code == 200 else []
            for incident in items:
                url = f"{live.url}/api/v1/incidents/{incident['number']}/acknowledge"
                sent = time.monotonic()
                tally.note(live, "ack", sent, _status(partial(client.post, url)))

        _repeat(stop, 1.0, step)


def _browse(live: Live, tally: Tally, stop: threading.Event) -> None:
    browser = session_cookie(live.server, WATCHER[1], login=WATCHER[0])
    try:

        def step() -> None:
            sent = time.monotonic()
            try:
                page = browser.get(f"{live.url}/incidents")
            except httpx2.TransportError:
                tally.note(live, "ui list", sent, 0)
                return
            tally.note(live, "ui list", sent, page.status_code)
            found = re.search(r'href="/incidents/(\d+)"', page.text)
            if found:
                sent = time.monotonic()
                one = f"{live.url}/incidents/{found.group(1)}"
                tally.note(live, "ui incident", sent, _status(lambda: browser.get(one)))

        _repeat(stop, 1.0, step)
    finally:
        browser.close()


def _pages(inbox: Inbox) -> int:
    return sum(1 for _, message in inbox.timed() if SOAK.search(str(message["Subject"] or "")))


def _stored(url: str) -> tuple[set[int], set[int]]:
    """Alert numbers with a stored event, and those whose events are all handled."""
    database = Database.from_url(url, pool_size=1)
    try:
        with database.transaction(write=False) as session:
            rows = session.execute(text("SELECT body, processed_at FROM events")).all()
    finally:
        database.dispose()
    stored, waiting = set(), set()
    for body, processed_at in rows:
        found = SOAK.search(str(body))
        if found:
            stored.add(int(found.group(1)))
            if processed_at is None:
                waiting.add(int(found.group(1)))
    return stored, stored - waiting


@contextlib.contextmanager
def _database(use_postgres: bool, root: Path) -> Iterator[tuple[dict[str, str], str]]:
    if use_postgres:
        with private_postgres() as cluster:
            yield {"WATCHKEEPER_DATABASE_URL": cluster.url}, cluster.url
    else:
        yield {}, f"sqlite:///{root / 'data' / 'watchkeeper.db'}"


def soak(minutes: float, restart_every: float, use_postgres: bool) -> dict[str, Any]:
    segments: list[dict[str, float]] = []
    with TemporaryDirectory() as tmp, inbox_server() as (inbox, smtp_port):
        root = Path(tmp)
        with _database(use_postgres, root) as (db_env, db_url):
            env = {
                **db_env,
                "WATCHKEEPER_SMTP_HOST": "127.0.0.1",
                "WATCHKEEPER_SMTP_PORT": str(smtp_port),
                "WATCHKEEPER_NOTIFY_THROTTLE_SECONDS": "0",
                "WATCHKEEPER_INGEST_RATE_LIMIT": "1000 per second",
            }
            live = Live(start_server(root / "data", env=env))
            token = admin_token(root / "data", env)
            with httpx2.Client(
                base_url=live.url, headers={"Authorization": f"Bearer {token}"}, timeout=10.0
            ) as api:
                key, _ = on_call(api, inbox, live.server)
                watcher = {"login": WATCHER[0], "name": "Watcher", "password": WATCHER[1]}
                assert api.post("/api/v1/users", json=watcher).status_code == 201
            tally, stop = Tally(), threading.Event()
            workers = [
                threading.Thread(target=_alerts, args=(live, key, tally, stop)),
                threading.Thread(target=_acks, args=(live, token, tally, stop)),
                threading.Thread(target=_browse, args=(live, tally, stop)),
            ]
            for worker in workers:
                worker.start()
            began = time.monotonic()
            end = began + minutes * 60
            while True:
                started = time.monotonic()
                stop.wait(min(WARM, max(0.0, end - started)))
                warm = rss(live.server.process.pid)
                stop.wait(max(0.0, min(started + restart_every * 60, end) - time.monotonic()))
                last = rss(live.server.process.pid)
                segments.append({"warm": warm, "end": last, "length": time.monotonic() - started})
                if time.monotonic() >= end - 1.0:
                    break
                live.restarting_since = time.monotonic()
                live.server.stop()
                live.server = start_server(root / "data", env=env)
                live.windows.append((live.restarting_since, time.monotonic() + 1.0))
                live.restarting_since = None
            stop.set()
            for worker in workers:
                worker.join()
            time.sleep(10.0)  # the engine finishes what it was given
            live.server.stop()
            stored, handled = _stored(db_url)
    return {
        "segments": segments,
        "tally": tally,
        "lost": tally.accepted - stored,
        "unhandled": tally.accepted - handled,
        "pages": _pages(inbox),
        "restarts": [end - start - 1.0 for start, end in live.windows],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--restart-every", type=float, default=5.0, help="minutes")
    parser.add_argument("--postgres", action="store_true", help="a private PostgreSQL server")
    args = parser.parse_args()
    out = soak(args.minutes, args.restart_every, args.postgres)
    print(f"database: {'postgresql' if args.postgres else 'sqlite'}, {args.minutes:g} min")
    print("| segment | length | RSS at 1 min | RSS at end | growth |")
    print("|---|---|---|---|---|")
    for number, s in enumerate(out["segments"], 1):
        growth = (s["end"] - s["warm"]) / s["warm"] * 100 if s["warm"] else float("nan")
        print(
            f"| {number} | {s['length']:.0f} s | {s['warm'] / 2**20:.0f} MiB "
            f"| {s['end'] / 2**20:.0f} MiB | {growth:+.1f} % |"
        )
    first, final = out["segments"][0], out["segments"][-1]
    print(f"last segment's settled RSS against the first's: {final['warm'] / first['warm']:.2f}x")
    tally: Tally = out["tally"]
    print(f"requests: {dict(tally.answers)}")
    print(f"errors outside restarts: {dict(tally.failures) or 0}")
    restarts = out["restarts"]
    if restarts:
        print(f"restarts: {len(restarts)}, down {min(restarts):.1f}-{max(restarts):.1f} s")
    print(f"alerts accepted: {len(tally.accepted)}, lost: {len(out['lost'])}")
    print(f"accepted but not handled by the engine at the end: {len(out['unhandled'])}")
    print(f"pages sent: {out['pages']}")


if __name__ == "__main__":
    main()
