"""A viewer tries to reach the server's own network through a contact method: an IRC URL
whose password smuggles a Redis command in encoded line breaks. Nothing may reach the
port, neither when the method is added (its verification code goes out at once) nor on a
retry of a method that was stored before these rules existed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select

from tests.conftest import Snapshot
from tests.factories import Person, browser_login
from tests.scenarios.harness import Harness
from tests.unit.channel_support import TcpListener
from watchkeeper.db.sealing import Sealer
from watchkeeper.pipeline.notify import service as notify
from watchkeeper.pipeline.notify.models import ContactMethod, Notification
from watchkeeper.wiring import secret_key


@pytest.fixture
def redis() -> Iterator[TcpListener]:
    """A port on loopback standing for an internal Redis."""
    listener = TcpListener()
    try:
        yield listener
    finally:
        listener.close()


@pytest.fixture
def real(h: Harness) -> Iterator[Harness]:
    h.deliver_for_real()
    try:
        yield h
    finally:
        h.runner.close_modules()


def smuggling(port: int) -> str:
    return f"irc://bot:p%0d%0aSET%20pwned%201@127.0.0.1:{port}/%23ops"


def test_a_viewer_cannot_add_an_irc_url_that_smuggles_a_command(
    real: Harness, viewer: Person, redis: TcpListener, snapshot: Snapshot
) -> None:
    csrf = browser_login(real.client, viewer.login)
    before = snapshot()
    response = real.client.post(
        f"/api/v1/users/{viewer.id}/contact-methods",
        json={"kind": "apprise", "address": smuggling(redis.port)},
        headers={"x-csrf-token": csrf},
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert "control character" in response.json()["detail"]
    assert snapshot() == before
    real.run_engine()
    assert redis.connections() == []


def test_an_irc_url_is_refused_even_without_line_breaks(
    real: Harness, viewer: Person, redis: TcpListener, snapshot: Snapshot
) -> None:
    csrf = browser_login(real.client, viewer.login)
    before = snapshot()
    response = real.client.post(
        f"/api/v1/users/{viewer.id}/contact-methods",
        json={"kind": "apprise", "address": f"irc://bot@127.0.0.1:{redis.port}/%23ops"},
        headers={"x-csrf-token": csrf},
    )
    assert response.status_code == 422, response.text
    assert "does not send through this Apprise service" in response.json()["detail"]
    assert snapshot() == before
    real.run_engine()
    assert redis.connections() == []


def test_a_method_stored_before_the_rules_sends_nothing_when_retried(
    real: Harness, viewer: Person, redis: TcpListener
) -> None:
    now = real.clock.now()
    with real.db.transaction() as session:
        method = ContactMethod(
            user_id=viewer.id,
            kind="apprise",
            address=Sealer(secret_key(real.settings)).seal(smuggling(redis.port)),
            label="irc",
            created_at=now,
        )
        session.add(method)
        session.flush()
        code = notify.queue(
            session,
            key="verify:stored-before",
            kind="verify",
            user_id=viewer.id,
            method_id=method.id,
            subject="Your Watchkeeper verification code",
            body="Your Watchkeeper verification code is 123456.",
            now=now,
        )
        code.attempts = 1  # its first attempt failed: this run is a retry
    real.run_engine()
    assert redis.connections() == []
    with real.db.transaction(write=False) as session:
        row = session.scalars(select(Notification)).one()
    assert row.status == "failed"  # for good: retrying cannot make it safe
    assert row.answer is not None
    assert "control character" in row.answer
