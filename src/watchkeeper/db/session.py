"""Units of work: the boundary (request, engine step, CLI command) opens and commits one."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from watchkeeper.db.connect import BEGIN_MODE_OPTION, create_db_engine
from watchkeeper.db.errors import is_transient

T = TypeVar("T")


class Database:
    """An engine plus a session factory; the only way code gets a session."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self._readers = sessionmaker(engine, expire_on_commit=False)
        # On SQLite, writers take the write lock at their first statement (BEGIN IMMEDIATE);
        # the transaction starts lazily, so holding a session costs nothing until it is used.
        writer_engine = (
            engine.execution_options(**{BEGIN_MODE_OPTION: "IMMEDIATE"})
            if self.dialect == "sqlite"
            else engine
        )
        self._writers = sessionmaker(writer_engine, expire_on_commit=False)

    @classmethod
    def from_url(cls, url: str, **kwargs: Any) -> Database:
        return cls(create_db_engine(url, **kwargs))

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @contextmanager
    def transaction(self, *, write: bool = True) -> Iterator[Session]:
        """Yield a session in a transaction; commit if the block succeeds, else roll back.

        `write=True` takes SQLite's write lock up front (BEGIN IMMEDIATE); read-only
        blocks use a deferred transaction so they never wait for writers.
        """
        factory = self._writers if write else self._readers
        with factory() as session, session.begin():
            yield session

    @contextmanager
    def rehearsal(self) -> Iterator[Session]:
        """Yield a writing session whose transaction is always rolled back: a dry run of
        the real code paths (the escalation simulator) leaves nothing behind."""
        with self._writers() as session, session.begin() as transaction:
            try:
                yield session
            finally:
                transaction.rollback()

    def run(self, work: Callable[[Session], T], *, write: bool = True, attempts: int = 4) -> T:
        """Run `work` in a transaction, retrying the whole of it on transient conflicts."""
        for attempt in range(1, attempts + 1):
            try:
                with self.transaction(write=write) as session:
                    return work(session)
            except Exception as exc:
                if attempt == attempts or not is_transient(exc):
                    raise
                time.sleep(0.01 * 2**attempt)
        raise AssertionError("unreachable")

    def run_eagerly(self, work: Callable[[Session], T], *, patience: float = 10.0) -> T:
        """Like `run`, but on SQLite ask for the write lock every half millisecond.

        SQLite's own busy handler backs off up to 100 ms between tries, so a writer that
        must answer fast (intake) can wait far longer than the lock is held. Use it with a
        Database opened with a short `sqlite_busy_timeout_ms`.
        """
        if not self.is_sqlite:
            return self.run(work)
        deadline = time.monotonic() + patience
        while True:
            try:
                with self.transaction(write=True) as session:
                    return work(session)
            except Exception as exc:
                if not is_transient(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.0005)

    def ping(self) -> None:
        """Raise if the database cannot answer a trivial query."""
        with self.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()
