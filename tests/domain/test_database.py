"""The database plumbing: UTC datetimes, SQLite pragmas, transactions, retries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError, StatementError

from tests.conftest import START
from tests.factories import make_user
from watchkeeper.catalog.users.models import User
from watchkeeper.db.session import Database


def test_datetimes_come_back_aware_and_in_utc(db: Database) -> None:
    new_york_morning = datetime(2026, 3, 8, 6, 30, tzinfo=timezone(timedelta(hours=-5)))
    with db.transaction() as session:
        user = make_user(session, now=new_york_morning)
        user_id = user.id
    with db.transaction(write=False) as session:
        stored = session.get(User, user_id)
        assert stored is not None
        assert stored.created_at == datetime(2026, 3, 8, 11, 30, tzinfo=UTC)
        assert stored.created_at.tzinfo is not None
        assert stored.created_at.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused_on_the_way_in(db: Database) -> None:
    with pytest.raises(StatementError, match="naive"), db.transaction() as session:
        make_user(session, now=datetime(2026, 1, 1))  # noqa: DTZ001 - the point of the test


def test_comparisons_on_datetimes_work_across_zones(db: Database) -> None:
    with db.transaction() as session:
        make_user(session, now=START)
    later = START.astimezone(timezone(timedelta(hours=9))) + timedelta(seconds=1)
    with db.transaction(write=False) as session:
        assert session.scalar(select(User.id).where(User.created_at < later)) is not None
        assert session.scalar(select(User.id).where(User.created_at > later)) is None


def test_a_failing_block_rolls_back_everything(db: Database) -> None:
    def fail_half_way() -> None:
        with db.transaction() as session:
            make_user(session, now=START, login="ghost")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        fail_half_way()
    with db.transaction(write=False) as session:
        assert session.scalar(select(User).where(User.login == "ghost")) is None


def test_run_retries_transient_conflicts(db: Database) -> None:
    attempts: list[int] = []

    def flaky(_: object) -> str:
        attempts.append(1)
        if len(attempts) < 3:
            raise OperationalError("UPDATE x", {}, Exception("database is locked"))
        return "done"

    assert db.run(flaky) == "done"
    assert len(attempts) == 3


def test_run_does_not_retry_real_errors(db: Database) -> None:
    attempts: list[int] = []

    def broken(_: object) -> None:
        attempts.append(1)
        raise ValueError("a bug")

    with pytest.raises(ValueError, match="a bug"):
        db.run(broken)
    assert len(attempts) == 1


def test_sqlite_is_set_up_for_durability_and_concurrency(sqlite_db: Database) -> None:
    with sqlite_db.engine.connect() as connection:
        pragma = {
            name: connection.execute(text(f"PRAGMA {name}")).scalar()
            for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
        }
    assert pragma == {
        "journal_mode": "wal",
        "foreign_keys": 1,
        "busy_timeout": 15000,
        "synchronous": 2,
    }
