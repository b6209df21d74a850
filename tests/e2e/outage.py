"""A PostgreSQL outage under a steady load of alerts, measured.

The real server runs on a private PostgreSQL server (tests/pgcluster.py) with a person on
call who is paged by email. Senders post one new alert every `interval` seconds; the
database is stopped for `seconds` and started again. Afterwards: which answers came while
it was down, whether every event answered 202 is stored, how long intake took to accept
again, and how long until every accepted alert had paged.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx2
from aiosmtpd.controller import Controller
from sqlalchemy import text

from tests.alertmanager import firing
from tests.e2e.mail import Inbox
from tests.e2e.peers import admin_token, api_client, tail, wait_for
from tests.e2e.server import ServerProcess, free_port, start_server
from tests.pgcluster import PrivateCluster, private_postgres
from watchkeeper.db.session import Database

CODE = re.compile(r"code is (\d{6})")
LOAD = re.compile(r"Load(\d+)")
LEVEL_DELAY = 60.0  # the first level's wait before the second (the API's minimum, 1 minute)


@dataclass
class Answer:
    number: int
    sent: float
    status: int
    retry_after: str | None


@dataclass
class Outage:
    seconds: float
    answers: list[Answer] = field(default_factory=list)
    down_at: float = 0.0
    up_at: float = 0.0
    stored: set[int] = field(default_factory=set)
    paged: dict[int, float] = field(default_factory=dict)  # alert number -> page arrival
    # The second level of an incident opened before the outage falls due in its middle.
    level_two_due: float = 0.0
    level_two_paged: float = float("inf")
    ui_status: int = 0
    ui_text: str = ""
    api_status: int = 0
    output: str = ""

    @property
    def accepted(self) -> set[int]:
        return {a.number for a in self.answers if 200 <= a.status < 300}

    def during(self, margin: float = 0.5) -> list[Answer]:
        """Answers to requests sent while the database was surely down."""
        return [a for a in self.answers if self.down_at + margin <= a.sent <= self.up_at - margin]

    @property
    def first_accept_after(self) -> float:
        later = [a.sent for a in self.answers if a.sent >= self.up_at and a.status == 202]
        return min(later) - self.up_at if later else float("inf")

    @property
    def pages_caught_up(self) -> float:
        """Seconds from the restart until every alert accepted before it had paged."""
        waiting = [n for n in self.accepted if self._sent(n) < self.up_at]
        if any(n not in self.paged for n in waiting):
            return float("inf")
        return max((self.paged[n] for n in waiting), default=self.up_at) - self.up_at

    @property
    def due_page_after_restart(self) -> float:
        """Seconds from the restart until the page that fell due during the outage went out."""
        return self.level_two_paged - self.up_at

    def _sent(self, number: int) -> float:
        return next(a.sent for a in self.answers if a.number == number)


@contextmanager
def inbox_server() -> Iterator[tuple[Inbox, int]]:
    handler, port = Inbox(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


def on_call(api: httpx2.Client, inbox: Inbox, server: ServerProcess) -> tuple[str, str]:
    """A verified person on call for two services: one paged at once (the load), one whose
    second level pages a minute after the first. Returns their integration keys."""
    user = api.post("/api/v1/users", json={"login": "erin", "name": "Erin"}).json()
    methods = f"/api/v1/users/{user['id']}/contact-methods"
    method = api.post(methods, json={"kind": "email", "address": "erin@example.com"}).json()
    [mail] = wait_for(
        lambda: inbox.to("erin@example.com") or None,
        what="the verification email",
        context=lambda: tail(server.output),
    )
    part = mail.get_body(("plain",))
    code = CODE.search(str(part.get_content()) if part else "")
    assert code
    api.post(f"{methods}/{method['id']}/verify", json={"code": code.group(1)})
    level = {"targets": [{"type": "user", "id": user["id"]}], "delay_minutes": 1}
    keys = []
    for name, levels in (("Checkout", [level]), ("Payments", [level, level])):
        policy = api.post(
            "/api/v1/escalation-policies", json={"name": name, "repeat": 0, "levels": levels}
        ).json()
        service = api.post(
            "/api/v1/services", json={"name": name, "escalation_policy_id": policy["id"]}
        ).json()
        integration = api.post(
            f"/api/v1/services/{service['id']}/integrations",
            json={"type": "alertmanager", "name": "Prometheus"},
        ).json()
        keys.append(str(integration["key"]))
    return keys[0], keys[1]


def _load(
    server: ServerProcess, key: str, outage: Outage, stop: threading.Event, interval: float
) -> None:
    url = f"{server.url}/api/v1/integrations/{key}/alertmanager"
    with httpx2.Client(timeout=5.0) as client:
        number = 0
        while not stop.is_set():
            number += 1
            sent = time.monotonic()
            try:
                response = client.post(url, json=firing(f"Load{number}"))
                status, retry = response.status_code, response.headers.get("retry-after")
            except httpx2.TransportError:
                status, retry = 0, None
            outage.answers.append(Answer(number, sent, status, retry))
            time.sleep(max(0.0, interval - (time.monotonic() - sent)))


def session_cookie(server: ServerProcess, password: str, login: str = "admin") -> httpx2.Client:
    browser = httpx2.Client(base_url=server.url, timeout=10.0)
    browser.get("/login")
    csrf = browser.cookies.get("wk_csrf")
    browser.post("/login", data={"login": login, "password": password, "csrf_token": csrf or ""})
    return browser


def run_outage(root: Path, *, seconds: float, interval: float = 0.1, settle: float = 3.0) -> Outage:
    """One outage of `seconds` under load; the figures to check."""
    outage = Outage(seconds=seconds)
    with private_postgres() as cluster, inbox_server() as (inbox, smtp_port):
        env = {
            "WATCHKEEPER_DATABASE_URL": cluster.url,
            "WATCHKEEPER_SMTP_HOST": "127.0.0.1",
            "WATCHKEEPER_SMTP_PORT": str(smtp_port),
            "WATCHKEEPER_ENGINE_INTERVAL": "0.2",
            "WATCHKEEPER_NOTIFY_THROTTLE_SECONDS": "0",
            "WATCHKEEPER_INGEST_RATE_LIMIT": "1000 per second",
        }
        server = start_server(root / "data", env=env)
        try:
            password = server.admin_password
            with api_client(server, admin_token(root / "data", env)) as api:
                key, escalating = on_call(api, inbox, server)
                browser = session_cookie(server, password or "")
                fired = _fire(server, escalating, "Escalating")
                outage.level_two_due = fired + LEVEL_DELAY
                # Stop the database so that the second level falls due halfway through.
                time.sleep(max(0.0, outage.level_two_due - seconds / 2 - settle - time.monotonic()))
                stop = threading.Event()
                sender = threading.Thread(target=_load, args=(server, key, outage, stop, interval))
                sender.start()
                time.sleep(settle)
                outage.down_at = time.monotonic()
                cluster.stop("fast")
                time.sleep(min(2.0, seconds / 2))
                page = browser.get("/incidents")
                outage.ui_status, outage.ui_text = page.status_code, page.text
                outage.api_status = api.get("/api/v1/incidents").status_code
                time.sleep(max(0.0, seconds - (time.monotonic() - outage.down_at)))
                cluster.start()
                outage.up_at = time.monotonic()
                time.sleep(settle)
                stop.set()
                sender.join()
                _wait_for_pages(outage, inbox, deadline=outage.up_at + 60)
                outage.level_two_paged = _second_page(inbox, "Escalating", outage.up_at + 60)
                browser.close()
            outage.stored = _stored(cluster)
        finally:
            server.stop()
            outage.output = server.output
    return outage


def _fire(server: ServerProcess, key: str, name: str) -> float:
    url = f"{server.url}/api/v1/integrations/{key}/alertmanager"
    response = httpx2.post(url, json=firing(name), timeout=10.0)
    assert response.status_code == 202, response.text
    return time.monotonic()


def _second_page(inbox: Inbox, name: str, deadline: float) -> float:
    """When the second page about alert `name` arrived (inf if it did not by `deadline`)."""
    while time.monotonic() < deadline:
        pages = [at for at, message in inbox.timed() if name in str(message["Subject"] or "")]
        if len(pages) >= 2:
            return pages[1]
        time.sleep(0.2)
    return float("inf")


def _wait_for_pages(outage: Outage, inbox: Inbox, *, deadline: float) -> None:
    while time.monotonic() < deadline:
        for arrived, message in inbox.timed():
            found = LOAD.search(str(message["Subject"] or ""))
            if found:
                outage.paged.setdefault(int(found.group(1)), arrived)
        if outage.accepted <= set(outage.paged):
            return
        time.sleep(0.2)


def _stored(cluster: PrivateCluster) -> set[int]:
    database = Database.from_url(cluster.url, pool_size=1)
    try:
        with database.transaction(write=False) as session:
            rows = session.execute(text("SELECT body FROM events")).scalars().all()
    finally:
        database.dispose()
    numbers = set()
    for body in rows:
        found = LOAD.search(str(body))
        if found:
            numbers.add(int(found.group(1)))
    return numbers
