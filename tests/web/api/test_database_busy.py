"""SQLite held by another writer past the busy timeout: 503 with Retry-After, nothing changed."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry
from starlette.testclient import TestClient

from tests.factories import bearer, make_person
from watchkeeper.catalog.users.roles import Role
from watchkeeper.core.clock import FrozenClock
from watchkeeper.db.session import Database
from watchkeeper.settings import Settings
from watchkeeper.wiring import Installation, build_app


@pytest.fixture
def impatient(sqlite_db: Database, tmp_path: Path, clock: FrozenClock) -> Iterator[TestClient]:
    """The app on the test database, waiting only 200 ms for SQLite's write lock."""
    url = sqlite_db.engine.url.render_as_string(hide_password=False)
    database = Database.from_url(url, sqlite_busy_timeout_ms=200)
    settings = Settings(
        _env_file=None, data_dir=tmp_path, database_url=url, secret_key="k", log_level="WARNING"
    )
    installation = Installation(
        settings=settings, database=database, clock=clock, registry=CollectorRegistry()
    )
    with TestClient(build_app(installation), raise_server_exceptions=False) as client:
        yield client
    database.dispose()


def test_a_write_while_another_connection_holds_the_lock_is_503_with_retry_after(
    impatient: TestClient, sqlite_db: Database, clock: FrozenClock
) -> None:
    admin = make_person(sqlite_db, now=clock.now(), role=Role.ADMIN, login="root")
    path = sqlite_db.engine.url.database
    assert path
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        response = impatient.post("/api/v1/teams", json={"name": "Ops"}, headers=bearer(admin))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert int(response.headers["retry-after"]) >= 1
    assert response.json()["type"] == "/problems/unavailable"
    teams = impatient.get("/api/v1/teams", headers=bearer(admin)).json()
    assert teams["items"] == []
    again = impatient.post("/api/v1/teams", json={"name": "Ops"}, headers=bearer(admin))
    assert again.status_code == 201, again.text
