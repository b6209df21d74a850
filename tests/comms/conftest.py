"""Communication tests: a real SMTP server (aiosmtpd) the engine delivers to."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from starlette.testclient import TestClient

from tests.e2e.mail import Inbox
from tests.e2e.server import free_port
from tests.factories import Person
from tests.statuspage.helpers import Pages
from watchkeeper.db.session import Database
from watchkeeper.settings import Settings


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture
def settings(tmp_path: Path, db: Database, inbox: tuple[Inbox, int]) -> Settings:
    return Settings(
        _env_file=None,
        data_dir=tmp_path,
        database_url=db.engine.url.render_as_string(hide_password=False),
        secret_key="test-secret-key",
        log_level="WARNING",
        base_url="http://testserver",
        smtp_host="127.0.0.1",
        smtp_port=inbox[1],
        smtp_from="status@example.com",
        # The webhook receivers of these tests listen on this host.
        outbound_allow_cidrs="127.0.0.1/32",
    )


@pytest.fixture
def pages(client: TestClient, admin: Person) -> Pages:
    return Pages(client, admin)
