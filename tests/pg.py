"""Fresh PostgreSQL schemas for tests: one per pytest-xdist worker and purpose."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import text

from watchkeeper.db.session import Database

POSTGRES_URL = os.environ.get(
    "WATCHKEEPER_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(reason: str) -> None:
    """Skip a PostgreSQL test, or fail it under CI=true where PostgreSQL is required."""
    if IN_CI:
        pytest.fail(f"PostgreSQL is required under CI=true: {reason}")
    pytest.skip(f"PostgreSQL not reachable ({reason}); set WATCHKEEPER_TEST_POSTGRES_URL")


def schema_name(request: pytest.FixtureRequest, purpose: str) -> str:
    """Unique per test process, so concurrent test runs never share (or drop) a schema."""
    worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
    return f"wk_{purpose}_{worker}_{os.getpid()}"


@contextmanager
def fresh_schema(name: str) -> Iterator[str]:
    """An empty schema `name`, dropped afterwards; yields a URL whose search_path is it."""
    admin = Database.from_url(POSTGRES_URL, pool_size=1)
    try:
        with admin.engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
            connection.execute(text(f'CREATE SCHEMA "{name}"'))
    except Exception as exc:
        admin.dispose()
        unavailable(str(exc).splitlines()[0])
    try:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{name}"
    finally:
        with admin.engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        admin.dispose()
