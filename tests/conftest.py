"""Shared fixtures: a real database (SQLite file and PostgreSQL), a frozen clock, the app.

The `db` fixture runs each test on both databases. Each pytest-xdist worker gets its own
SQLite file and its own PostgreSQL schema, migrated once; between tests every table is
emptied, so each test starts from a fresh, fully migrated schema.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy import select, text
from starlette.testclient import TestClient
from starlette.types import ASGIApp

from tests.factories import Person, make_person
from tests.pg import fresh_schema, schema_name
from tests.scenarios.harness import Harness
from watchkeeper.catalog.users.roles import Role
from watchkeeper.core.clock import FrozenClock
from watchkeeper.db import migrate
from watchkeeper.db.session import Database
from watchkeeper.schema import metadata
from watchkeeper.settings import Settings
from watchkeeper.wiring import Installation, build_app

START = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def sqlite_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    path = tmp_path_factory.mktemp("sqlite") / "watchkeeper.db"
    database = Database.from_url(f"sqlite:///{path}")
    migrate.upgrade(database)
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def postgres_database(request: pytest.FixtureRequest) -> Iterator[Database]:
    with fresh_schema(schema_name(request, "test")) as url:
        database = Database.from_url(url, pool_size=5)
        migrate.upgrade(database)
        yield database
        database.dispose()


def empty_all_tables(database: Database) -> None:
    tables = [table.name for table in reversed(metadata.sorted_tables)]
    with database.transaction() as session:
        if database.is_sqlite:
            for name in tables:
                session.execute(text(f'DELETE FROM "{name}"'))
        else:
            quoted = ", ".join(f'"{name}"' for name in tables)
            session.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest) -> Database:
    """A migrated, empty database: the test runs once on SQLite and once on PostgreSQL."""
    fixture = "sqlite_database" if request.param == "sqlite" else "postgres_database"
    database: Database = request.getfixturevalue(fixture)
    empty_all_tables(database)
    return database


@pytest.fixture
def sqlite_db(sqlite_database: Database) -> Database:
    """The SQLite database only, for behaviour specific to the embedded setup."""
    empty_all_tables(sqlite_database)
    return sqlite_database


@pytest.fixture
def postgres_db(postgres_database: Database) -> Database:
    """The PostgreSQL database only, for behaviour specific to several engines sharing it."""
    empty_all_tables(postgres_database)
    return postgres_database


@pytest.fixture
def clock() -> FrozenClock:
    """A clock that stands still at START until a test advances it."""
    return FrozenClock(START)


@pytest.fixture
def settings(tmp_path: Path, db: Database) -> Settings:
    return Settings(
        _env_file=None,
        data_dir=tmp_path,
        database_url=db.engine.url.render_as_string(hide_password=False),
        secret_key="test-secret-key",
        log_level="WARNING",
    )


@pytest.fixture
def app(db: Database, settings: Settings, clock: FrozenClock) -> ASGIApp:
    """The web app on the test database and clock; the engine is driven by hand."""
    installation = Installation(
        settings=settings, database=db, clock=clock, registry=CollectorRegistry()
    )
    return build_app(installation)


@pytest.fixture
def client(app: ASGIApp) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver") as test_client:
        yield test_client


@pytest.fixture
def admin(db: Database, clock: FrozenClock) -> Person:
    return make_person(db, now=clock.now(), role=Role.ADMIN, login="root")


@pytest.fixture
def responder(db: Database, clock: FrozenClock) -> Person:
    return make_person(db, now=clock.now(), role=Role.RESPONDER, login="resp")


@pytest.fixture
def viewer(db: Database, clock: FrozenClock) -> Person:
    return make_person(db, now=clock.now(), role=Role.VIEWER, login="view")


Snapshot = Callable[[], dict[str, object]]
# Bookkeeping that a request may move while "changing nothing": when a token or session
# was last used (and the session's sliding deadline).
_BOOKKEEPING = {
    ("api_tokens", "last_used_at"),
    ("web_sessions", "last_seen_at"),
    ("web_sessions", "expires_at"),
}


@pytest.fixture
def snapshot(db: Database) -> Snapshot:
    """Every table's full contents, to show that a refused request changed nothing."""

    def take() -> dict[str, object]:
        state: dict[str, object] = {}
        with db.transaction(write=False) as session:
            for table in metadata.sorted_tables:
                if table.name in ("engine_heartbeats", "engine_leases"):
                    continue
                columns = [c for c in table.columns if (table.name, c.name) not in _BOOKKEEPING]
                order = list(table.primary_key.columns)
                query = select(*columns).order_by(*order)
                if table.name == "audit_log":
                    # A refused attempt is recorded (with its status) by design; a change is not.
                    query = query.where(table.c.status.is_(None))
                rows = session.execute(query).all()
                state[table.name] = [tuple(row) for row in rows]
        return state

    return take


@pytest.fixture
def h(
    client: TestClient, db: Database, clock: FrozenClock, settings: Settings, admin: Person
) -> Harness:
    return Harness(client=client, db=db, clock=clock, settings=settings, admin=admin)
