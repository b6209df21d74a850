"""Open the database: one code path for SQLite (embedded) and PostgreSQL (psycopg 3).

SQLite is set up deliberately on every connection:
- WAL journal, so readers never block the writer and the writer never blocks readers;
- foreign keys on (SQLite leaves them off by default);
- a busy timeout, so concurrent writers queue instead of failing at once;
- `synchronous` from settings: FULL by default, so a commit is on disk before we answer.
- Transactions are begun by us, `BEGIN IMMEDIATE` for writes, so a transaction that reads
  then writes cannot fail half-way with SQLITE_BUSY on lock upgrade.
- The database file is private (0600) before the first connection: it holds contact
  secrets and raw payloads, and SQLite gives its -wal and -shm files the same mode.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url

SQLITE_BUSY_TIMEOUT_MS = 15_000


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


# JSON columns (event bodies, labels, timeline data) are read and written on every hot
# path; orjson does both several times faster than the standard library.
JSON_CODEC: dict[str, Any] = {"json_serializer": _dumps, "json_deserializer": orjson.loads}
BEGIN_MODE_OPTION = "watchkeeper_sqlite_begin"


def normalize_url(url: str) -> str:
    """Accept `postgres://` and `postgresql://` and pin them to the psycopg 3 driver."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def create_db_engine(
    url: str,
    *,
    sqlite_synchronous: str = "FULL",
    pool_size: int = 10,
    connect_args: dict[str, Any] | None = None,
    sqlite_busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS,
) -> Engine:
    url = normalize_url(url)
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(url, sqlite_synchronous, connect_args or {}, sqlite_busy_timeout_ms)
    if backend == "postgresql":
        return create_engine(
            url,
            pool_size=pool_size,
            max_overflow=pool_size,
            pool_pre_ping=True,
            connect_args=connect_args or {},
            **JSON_CODEC,
        )
    raise ValueError(f"unsupported database {backend!r}: use sqlite or postgresql")


def _sqlite_engine(
    url: str, synchronous: str, connect_args: dict[str, Any], busy_timeout_ms: int
) -> Engine:
    if synchronous not in ("NORMAL", "FULL", "EXTRA"):
        raise ValueError(f"bad sqlite synchronous mode {synchronous!r}")
    args = {"check_same_thread": False, **connect_args}
    database = make_url(url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        keep_private(Path(database))
    engine = create_engine(url, connect_args=args, pool_size=8, max_overflow=32, **JSON_CODEC)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Autocommit at the driver level; the "begin" hook below opens transactions.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
            cursor.execute(f"PRAGMA synchronous={synchronous}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get(BEGIN_MODE_OPTION, "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")

    return engine


def keep_private(path: Path) -> None:
    """Make a SQLite database file (created empty if missing: a valid empty database) and
    any -wal and -shm beside it readable by their owner only; a stricter mode stays."""
    if path.parent.is_dir():
        with contextlib.suppress(FileExistsError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            mode = file.stat().st_mode & 0o777
            if mode & ~0o600:
                file.chmod(mode & 0o600)
        except FileNotFoundError:
            continue
