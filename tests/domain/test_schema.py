"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from tests.pg import fresh_schema, schema_name
from watchkeeper.db import migrate
from watchkeeper.db.session import Database
from watchkeeper.schema import metadata

_AT = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A database with nothing in it at all: no tables, no alembic_version."""
    if request.param == "sqlite":
        database = Database.from_url(f"sqlite:///{tmp_path / 'empty.db'}")
        yield database
        database.dispose()
        return
    with fresh_schema(schema_name(request, "empty")) as url:
        database = Database.from_url(url, pool_size=1)
        yield database
        database.dispose()


def test_an_empty_database_upgrades_to_head(empty_database: Database) -> None:
    assert migrate.current(empty_database) is None
    migrate.upgrade(empty_database)
    assert migrate.current(empty_database) == migrate.head()
    tables = set(inspect(empty_database.engine).get_table_names())
    assert {table.name for table in metadata.sorted_tables} <= tables


def test_models_match_the_migrations(empty_database: Database) -> None:
    migrate.upgrade(empty_database)
    with empty_database.engine.connect() as connection:
        opts = {"compare_type": True, "include_object": migrate.is_managed}
        context = MigrationContext.configure(connection, opts=opts)
        differences = compare_metadata(context, metadata)
    assert differences == [], f"models and migrations differ: {differences}"


def test_upgrading_twice_changes_nothing(empty_database: Database) -> None:
    migrate.upgrade(empty_database)
    migrate.upgrade(empty_database)
    assert migrate.current(empty_database) == migrate.head()


def test_upgrading_revokes_what_deactivated_users_had_left(empty_database: Database) -> None:
    """Before 0009 deactivation kept tokens and sessions, to work again on reactivation."""
    migrate.upgrade(empty_database, "0008")
    with empty_database.engine.begin() as connection:
        for user_id, login, active in ((1, "gone", False), (2, "here", True)):
            connection.execute(
                text(
                    "INSERT INTO users (id, login, name, role, is_active, must_change_password,"
                    " time_zone, created_at, updated_at) VALUES (:id, :login, :login,"
                    " 'responder', :active, false, 'UTC', :at, :at)"
                ),
                {"id": user_id, "login": login, "active": active, "at": _AT},
            )
            connection.execute(
                text(
                    "INSERT INTO api_tokens (user_id, name, prefix, token_hash, role, created_at)"
                    " VALUES (:id, 't', 'wk_api_x', :hash, 'responder', :at)"
                ),
                {"id": user_id, "hash": f"{user_id:064d}", "at": _AT},
            )
            connection.execute(
                text(
                    "INSERT INTO web_sessions (token_hash, user_id, csrf_token, created_at,"
                    " last_seen_at, expires_at, ip, user_agent)"
                    " VALUES (:hash, :id, 'c', :at, :at, :at, '', '')"
                ),
                {"id": user_id, "hash": f"{user_id:064d}", "at": _AT},
            )
    migrate.upgrade(empty_database)
    with empty_database.engine.connect() as connection:
        tokens = connection.execute(
            text("SELECT user_id, revoked_at IS NOT NULL FROM api_tokens ORDER BY user_id")
        ).all()
        sessions = connection.execute(text("SELECT user_id FROM web_sessions")).scalars().all()
    assert [(row[0], bool(row[1])) for row in tokens] == [(1, True), (2, False)]
    assert sessions == [2]
