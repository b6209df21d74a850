"""The migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from tests.pg import fresh_schema, schema_name
from watchkeeper.db import migrate
from watchkeeper.db.session import Database
from watchkeeper.schema import metadata


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
