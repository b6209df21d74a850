"""Fixtures for HTTP tests: people with tokens, and row counts to prove nothing changed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select

from tests.factories import Person, make_person
from watchkeeper.catalog.users.roles import Role
from watchkeeper.core.clock import FrozenClock
from watchkeeper.db.session import Database
from watchkeeper.schema import metadata


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
                rows = session.execute(select(*columns).order_by(*order)).all()
                state[table.name] = [tuple(row) for row in rows]
        return state

    return take
