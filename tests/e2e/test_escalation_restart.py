"""An escalation timer survives the server going down: after a crash or a clean stop
that spans the second level's deadline, the restarted server pages that level once, late
only by the time it was down, and does not page the first level again.

The real `watchkeeper serve` (web process plus its engine child, in a process group of
their own) pages through signed webhooks to a small HTTP sink in the test that notes each
POST's arrival time. Level 1 pages alice at once; level 2 pages bob a minute later. Right
after alice's page is delivered and recorded, the server is stopped: SIGKILL to the whole
process group (a crash: no shutdown code runs, and the engine's lease is left behind), or
SIGTERM to the server's pid (the documented `kill <pid>`, a clean shutdown). It stays
down until well past bob's deadline, then starts again on the same data directory.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx2
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.alertmanager import firing
from tests.e2e.peers import api_client, tail, wait_for
from tests.e2e.server import ServerProcess, free_port, wait_until_ready
from tests.e2e.webhooks import Sink, webhook_person
from watchkeeper.catalog.access import service as access
from watchkeeper.catalog.users import service as users
from watchkeeper.db.session import Database
from watchkeeper.engine.runner import LEASE_TTL
from watchkeeper.pipeline.escalation.models import Escalation
from watchkeeper.pipeline.notify.models import Notification

pytestmark = pytest.mark.e2e
log = logging.getLogger(__name__)

DELAY = timedelta(minutes=1)  # level 1's wait for an acknowledgement (the API's minimum)
DOWN_PAST_DEADLINE = 20.0  # seconds the server stays down after level 2 fell due
TICK = 1.0  # the engine's interval, and that of its escalate and notify_send modules
MARGIN = 3.0
WAIT = 30.0
ALERT = "PaymentsQueueStuck"
CODE = re.compile(r"code is (\d{6})")
ENV = {
    "WATCHKEEPER_OUTBOUND_ALLOW_CIDRS": "127.0.0.1/32",
    "WATCHKEEPER_NOTIFY_THROTTLE_SECONDS": "0",
    "WATCHKEEPER_ENGINE_INTERVAL": str(TICK),
    "WATCHKEEPER_LOG_LEVEL": "INFO",
}


# -- the webhook sink --------------------------------------------------------------------


# -- the server in a process group of its own ---------------------------------------------


def _collect(server: ServerProcess) -> None:
    assert server.process.stdout is not None
    for line in server.process.stdout:
        server.lines.append(line.rstrip("\n"))


def group_members(pgid: int) -> list[int]:
    """Live (not zombie) processes of process group `pgid`, from /proc."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        state, _ppid, pgrp = stat.rsplit(")", 1)[1].split()[:3]
        if int(pgrp) == pgid and state != "Z":
            members.append(int(entry.name))
    return members


Launch = Callable[[Path], ServerProcess]


@pytest.fixture
def launch() -> Iterator[Launch]:
    """Start `watchkeeper serve` (as tests.e2e.server does) in a new session, so that it
    and its engine child form one process group that can be signalled as a whole; at the
    end, kill whatever of every group started is still there."""
    started: list[ServerProcess] = []

    def start(data_dir: Path) -> ServerProcess:
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "watchkeeper", "serve", "--port", str(port)],
            env={**os.environ, "WATCHKEEPER_DATA_DIR": str(data_dir), **ENV},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        server = ServerProcess(url=f"http://127.0.0.1:{port}", process=process)
        started.append(server)
        server.reader = threading.Thread(target=_collect, args=(server,), daemon=True)
        server.reader.start()
        wait_until_ready(server)
        return server

    yield start
    for server in started:
        _end_group(server, 0.0)


def _end_group(server: ServerProcess, timeout: float) -> list[int]:
    """Wait up to `timeout` s for the server's whole group to be gone; SIGKILL what is
    left, and say what that was. Only then is the output pipe closed: an engine left
    running holds it open, and closing it under the reading thread would hang."""
    pgid = server.process.pid
    deadline = time.monotonic() + timeout
    while (left := group_members(pgid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    if left:
        os.killpg(pgid, signal.SIGKILL)
    server.stop()  # reaps the server, reads its output to the end
    return left


def _stop(server: ServerProcess, how: str) -> None:
    pgid = server.process.pid
    members = group_members(pgid)
    assert len(members) >= 2, f"no engine child in the server's group: {members}"
    if how == "SIGKILL":
        os.killpg(pgid, signal.SIGKILL)  # the web process and the engine at once
    else:
        os.kill(pgid, signal.SIGTERM)  # `kill <pid>`, as the start banner says
    server.process.wait(WAIT)
    # Nothing of it may go on running (an engine left over would page on time).
    left = _end_group(server, WAIT)
    assert not left, (
        f"still running {WAIT:.0f} s after {how} to the server: {left} of {members}\n"
        f"{tail(server.output)}"
    )
    if how == "SIGKILL":
        assert server.process.returncode == -signal.SIGKILL
    else:
        assert server.process.returncode == -signal.SIGTERM
        assert server.stopped_cleanly, tail(server.output)


# -- setting up paging through the API ------------------------------------------------------


def _admin_token(database: Database) -> str:
    """An API token of the first admin, as `watchkeeper token create` makes it."""

    def work(session: Session) -> str:
        owner = users.get_by_login(session, login="admin")
        _, secret = access.create_token(
            session, owner=owner, name="e2e", role=None, expires_in_days=1, now=datetime.now(UTC)
        )
        return secret

    return database.run(work)


def _alertmanager_service(api: httpx2.Client, alice: int, bob: int) -> str:
    """A service whose policy pages alice, then bob after DELAY; its integration key."""
    policy = api.post(
        "/api/v1/escalation-policies",
        json={
            "name": "Payments on call",
            "repeat": 0,
            "levels": [
                {
                    "targets": [{"type": "user", "id": alice}],
                    "delay_minutes": int(DELAY.total_seconds()) // 60,
                },
                {"targets": [{"type": "user", "id": bob}], "delay_minutes": 1},
            ],
        },
    )
    assert policy.status_code == 201, policy.text
    service = api.post("/api/v1/services", json={"name": "Payments"})
    assert service.status_code == 201, service.text
    service_id = service.json()["id"]
    changed = api.patch(
        f"/api/v1/services/{service_id}", json={"escalation_policy_id": policy.json()["id"]}
    )
    assert changed.status_code == 200, changed.text
    integration = api.post(
        f"/api/v1/services/{service_id}/integrations",
        json={"type": "alertmanager", "name": "Prometheus"},
    )
    assert integration.status_code == 201, integration.text
    return str(integration.json()["key"])


def _fire(server: ServerProcess, key: str) -> None:
    response = httpx2.post(
        f"{server.url}/api/v1/integrations/{key}/alertmanager", json=firing(ALERT), timeout=10.0
    )
    assert response.status_code == 202, response.text


def _paged(api: httpx2.Client, incident_id: int) -> list[tuple[float, int, str]]:
    """(when, level, summary) of each `paged` entry on the incident's timeline."""
    response = api.get(f"/api/v1/incidents/{incident_id}/timeline")
    assert response.status_code == 200, response.text
    return [
        (_seconds(entry["at"]), int(entry["data"]["level"]), entry["summary"])
        for entry in response.json()
        if entry["kind"] == "paged"
    ]


def _seconds(stamp: str | datetime) -> float:
    at = stamp if isinstance(stamp, datetime) else datetime.fromisoformat(stamp)
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp()


def _sent_pages(database: Database) -> int:
    with database.transaction(write=False) as session:
        stmt = select(func.count()).where(
            Notification.kind == "page", Notification.status == "sent"
        )
        return int(session.scalar(stmt) or 0)


def _escalation(database: Database, incident_id: int) -> tuple[str, int, float | None]:
    with database.transaction(write=False) as session:
        row = session.get(Escalation, incident_id)
        assert row is not None
        return row.status, row.level, _seconds(row.next_at) if row.next_at else None


# -- the test ------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM"])
def test_the_next_level_pages_once_after_a_restart_across_its_deadline(
    how: str, tmp_path: Path, sink: Sink, launch: Launch
) -> None:
    data = tmp_path / "data"
    server = launch(data)
    database = Database.from_url(f"sqlite:///{data / 'watchkeeper.db'}")
    try:
        token = _admin_token(database)
        with api_client(server, token) as api:
            alice = webhook_person(api, sink, "alice")
            bob = webhook_person(api, sink, "bob")
            key = _alertmanager_service(api, alice, bob)
            _fire(server, key)
            [first] = wait_for(
                lambda: sink.received("/alice", "page") or None,
                what="alice's page (level 1)",
                timeout=WAIT,
                context=lambda: tail(server.output),
            )
            [incident] = api.get("/api/v1/incidents").json()["items"]
            incident_id = int(incident["id"])
            # Recorded as sent, so it is not in flight when the server goes down.
            wait_for(lambda: _sent_pages(database) == 1 or None, what="alice's page recorded")
            [(level_1_at, level, summary)] = _paged(api, incident_id)
        assert (level, summary) == (1, "paged alice (escalation level 1)")
        deadline = level_1_at + DELAY.total_seconds()
        # The timer the restarted server has to honour: in the database, as the timeline says.
        status, level, next_at = _escalation(database, incident_id)
        assert (status, level) == ("active", 1)
        assert next_at is not None
        assert abs(next_at - deadline) < 0.001, (next_at, deadline)
        assert first.at >= level_1_at
        assert first.body["incidents"][0]["id"] == incident_id

        _stop(server, how)
        stopped_at = time.time()
        # A killed engine leaves its lease: it must have run out when the server is back.
        assert stopped_at + LEASE_TTL.total_seconds() < deadline + DOWN_PAST_DEADLINE
        # Down across the deadline: nothing arrives meanwhile.
        time.sleep(max(0.0, deadline + DOWN_PAST_DEADLINE - time.time()))
        restarted_at = time.time()
        assert sink.received(type_="page") == [first]

        server = launch(data)
        ready_at = time.time()
        with api_client(server, token) as api:
            [second] = wait_for(
                lambda: sink.received("/bob", "page") or None,
                what="bob's page (level 2) after the restart",
                timeout=WAIT,
                context=lambda: tail(server.output),
            )
            time.sleep(MARGIN)  # room for a repeat to show up
            paged = _paged(api, incident_id)
        assert _escalation(database, incident_id) == ("done", 2, None)
    finally:
        database.dispose()

    lateness = second.at - deadline
    allowed = (ready_at - deadline) + TICK + MARGIN
    # Shown with `-o log_cli=true --log-cli-level=INFO`, and with a failure.
    log.info(
        f"{how}: level 2 due {datetime.fromtimestamp(deadline, UTC):%H:%M:%S.%f}, "
        f"server down {stopped_at - deadline:+.1f} s to {restarted_at - deadline:+.1f} s "
        f"around it, ready again at {ready_at - deadline:+.1f} s; paged (timeline) at "
        f"{paged[-1][0] - deadline:+.2f} s, delivered at {lateness:+.2f} s "
        f"(allowed {allowed:.2f} s)"
    )
    # Each level exactly once, to its person, in distinct messages.
    pages = sink.received(type_="page")
    assert [(post.path, post.body["incidents"][0]["id"]) for post in pages] == [
        ("/alice", incident_id),
        ("/bob", incident_id),
    ]
    assert len({post.webhook_id for post in pages}) == 2, pages
    assert [(level, summary) for _, level, summary in paged] == [
        (1, "paged alice (escalation level 1)"),
        (2, "paged bob (escalation level 2)"),
    ]
    level_2_at = paged[1][0]
    # Not before its deadline, and by the restarted server, not the stopped one.
    assert level_2_at >= deadline
    assert level_2_at >= restarted_at
    assert second.at >= level_2_at
    # Late only by the downtime past the deadline, one engine tick and a margin.
    assert lateness <= allowed, (lateness, allowed, tail(server.output))
