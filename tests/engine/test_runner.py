"""The engine runner: leases, versions, failures, retries, heartbeats and metrics."""

from __future__ import annotations

import socket
from datetime import datetime, timedelta

from prometheus_client import CollectorRegistry
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from watchkeeper.core.clock import FrozenClock
from watchkeeper.db.engine_state import EngineLease, latest_heartbeat
from watchkeeper.db.session import Database
from watchkeeper.engine.metrics import EngineMetrics
from watchkeeper.engine.protocol import CycleModule, EngineModule
from watchkeeper.engine.runner import LEASE_TTL, Runner


def _runner(
    db: Database, clock: FrozenClock, *modules: EngineModule, holder: str = "a"
) -> tuple[Runner, CollectorRegistry]:
    registry = CollectorRegistry()
    runner = Runner(
        database=db, modules=modules, clock=clock, metrics=EngineMetrics(registry), holder=holder
    )
    return runner, registry


def _counting(calls: list[datetime], rows: list[int], version: int = 1) -> CycleModule:
    """A module that records when it ran and reports the next number of rows handled."""

    def run(_: Session, now: datetime) -> int:
        calls.append(now)
        return rows.pop(0) if rows else 0

    return CycleModule(name="counting", version=version, interval=1.0, run=run)


def test_a_module_runs_with_the_clocks_time_until_it_has_no_more_work(
    db: Database, clock: FrozenClock
) -> None:
    calls: list[datetime] = []
    runner, registry = _runner(db, clock, _counting(calls, [5, 3]))
    assert runner.run_pending() == {"counting": 8}
    assert calls == [clock.now()] * 3
    assert registry.get_sample_value("watchkeeper_engine_rows_total", {"module": "counting"}) == 8
    assert (
        registry.get_sample_value("watchkeeper_engine_run_seconds_count", {"module": "counting"})
        == 3
    )


def test_on_sqlite_one_engine_holds_a_modules_lease(
    sqlite_db: Database, clock: FrozenClock
) -> None:
    first_calls: list[datetime] = []
    second_calls: list[datetime] = []
    first, _ = _runner(sqlite_db, clock, _counting(first_calls, []), holder="first")
    second, _ = _runner(sqlite_db, clock, _counting(second_calls, []), holder="second")
    first.run_pending()
    second.run_pending()
    assert len(first_calls) == 1
    assert second_calls == []
    clock.advance(LEASE_TTL + timedelta(seconds=1))  # the first engine died silently
    second.run_pending()
    assert len(second_calls) == 1
    first.run_pending()
    assert len(first_calls) == 1  # now the second one holds it


def test_a_stopped_engine_hands_its_lease_over_at_once(
    sqlite_db: Database, clock: FrozenClock
) -> None:
    calls: list[datetime] = []
    first, _ = _runner(sqlite_db, clock, _counting([], []), holder="first")
    second, _ = _runner(sqlite_db, clock, _counting(calls, []), holder="second")
    first.start()
    first.run_pending()
    first.stop()
    second.run_pending()
    assert len(calls) == 1


def test_a_restarted_engine_takes_over_the_leases_of_a_killed_one_at_once(
    sqlite_db: Database, clock: FrozenClock
) -> None:
    host = socket.gethostname()
    calls: list[datetime] = []
    killed, _ = _runner(sqlite_db, clock, _counting([], []), holder=f"{host}:999999999:dead")
    elsewhere, _ = _runner(sqlite_db, clock, _counting([], []), holder="otherhost:1:alive")
    killed.run_pending()  # holds the lease for 30 s, then its process is gone
    restarted, _ = _runner(sqlite_db, clock, _counting(calls, []), holder=f"{host}:1:new")
    assert restarted.take_over_orphans() == 1  # what start() does first
    restarted.run_pending()
    assert len(calls) == 1  # no wait for the dead engine's lease to expire
    # A holder on another host, or whose process lives (pid 1), keeps its lease.
    clock.advance(LEASE_TTL + timedelta(seconds=1))
    elsewhere.run_pending()
    again, _ = _runner(sqlite_db, clock, _counting(calls, []), holder=f"{host}:1:later")
    assert again.take_over_orphans() == 0
    again.run_pending()
    assert len(calls) == 1


def test_on_postgresql_every_engine_runs_every_module(
    postgres_db: Database, clock: FrozenClock
) -> None:
    db = postgres_db
    first_calls: list[datetime] = []
    second_calls: list[datetime] = []
    _runner(db, clock, _counting(first_calls, []), holder="first")[0].run_pending()
    _runner(db, clock, _counting(second_calls, []), holder="second")[0].run_pending()
    assert len(first_calls) == 1
    assert len(second_calls) == 1


def test_an_older_module_version_stops_after_an_upgrade(db: Database, clock: FrozenClock) -> None:
    new_calls: list[datetime] = []
    old_calls: list[datetime] = []
    new, _ = _runner(db, clock, _counting(new_calls, [], version=2), holder="new")
    old, _ = _runner(db, clock, _counting(old_calls, [], version=1), holder="old")
    new.run_pending()
    clock.advance(LEASE_TTL * 2)
    old.run_pending()
    old.run_pending()
    assert len(new_calls) == 1
    assert old_calls == []
    with db.transaction(write=False) as session:
        assert session.scalar(select(EngineLease.version)) == 2


def test_a_failing_module_is_rolled_back_counted_and_does_not_stop_the_others(
    db: Database, clock: FrozenClock
) -> None:
    def failing(session: Session, now: datetime) -> int:
        session.add(EngineLease(module="written-then-failed", version=1))
        session.flush()
        raise RuntimeError("bug in a module")

    calls: list[datetime] = []
    runner, registry = _runner(
        db,
        clock,
        CycleModule(name="failing", version=1, interval=1.0, run=failing),
        _counting(calls, []),
    )
    assert runner.run_pending() == {"failing": 0, "counting": 0}
    assert len(calls) == 1
    assert (
        registry.get_sample_value("watchkeeper_engine_failures_total", {"module": "failing"}) == 1
    )
    with db.transaction(write=False) as session:
        assert session.get(EngineLease, "written-then-failed") is None


def test_serialization_failures_are_retried(db: Database, clock: FrozenClock) -> None:
    attempts: list[int] = []

    def conflicted(_: Session, __: datetime) -> int:
        attempts.append(1)
        if len(attempts) == 1:
            raise OperationalError("UPDATE", {}, Exception("database is locked"))
        return 0

    runner, registry = _runner(db, clock, CycleModule("conflicted", 1, 1.0, conflicted))
    runner.run_pending()
    assert len(attempts) == 2
    assert (
        registry.get_sample_value("watchkeeper_engine_failures_total", {"module": "conflicted"})
        is None
    )


def test_the_heartbeat_tells_readiness_the_engine_ticks(db: Database, clock: FrozenClock) -> None:
    runner, registry = _runner(db, clock)
    with db.transaction(write=False) as session:
        assert latest_heartbeat(session) is None
    runner.heartbeat()
    with db.transaction(write=False) as session:
        assert latest_heartbeat(session) == clock.now()
    assert registry.get_sample_value("watchkeeper_engine_heartbeat_timestamp_seconds") == (
        clock.now().timestamp()
    )


def test_the_background_loop_runs_due_modules_and_wakes_on_demand(
    db: Database, clock: FrozenClock
) -> None:
    import threading

    ran = threading.Event()

    def run(_: Session, __: datetime) -> int:
        ran.set()
        return 0

    module = CycleModule(name="wakeable", version=1, interval=3600.0, run=run)
    runner, _ = _runner(db, clock, module)
    runner.start()
    try:
        assert ran.wait(5), "the first pass runs every module"
        ran.clear()
        runner.wake()
        assert ran.wait(5), "a wake-up runs wakeable modules before their interval"
        assert runner.running
    finally:
        runner.stop()
    assert not runner.running
