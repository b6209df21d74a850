"""The checks engine module: claims due checks, probes them with no transaction open,
writes a batch of results, rollups and state, and keeps retention."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from prometheus_client import CollectorRegistry
from pydantic import TypeAdapter
from sqlalchemy import func, select

from tests.factories import make_service
from watchkeeper.core.clock import FrozenClock
from watchkeeper.db.session import Database
from watchkeeper.engine.metrics import EngineMetrics
from watchkeeper.engine.modules.check_retention import CheckRetention
from watchkeeper.engine.modules.checks import Checks
from watchkeeper.engine.runner import Runner
from watchkeeper.monitoring.checks import queries
from watchkeeper.monitoring.checks import service as checks
from watchkeeper.monitoring.checks.models import Check, CheckResult, CheckRollup
from watchkeeper.monitoring.checks.probes.base import Job, Outcome
from watchkeeper.monitoring.checks.schemas import CheckIn
from watchkeeper.pipeline.ingest.models import Event
from watchkeeper.pipeline.notify.channels.guard import OutboundGuard

ADAPTER: TypeAdapter[CheckIn] = TypeAdapter(CheckIn)
Probe = Callable[[Job], Outcome]


def add_checks(db: Database, clock: FrozenClock, count: int, **fields: Any) -> list[int]:
    with db.transaction() as session:
        service = make_service(session, now=clock.now())
        made = []
        for number in range(count):
            data = ADAPTER.validate_python(
                {
                    "kind": "tcp",
                    "name": f"db {number}",
                    "service_id": service.id,
                    "host": "db.example.com",
                    "port": 5432,
                    "interval_seconds": 30,
                    "retries": 0,
                    **fields,
                }
            )
            check = checks.create(
                session,
                data=data,
                user_id=None,
                admin=True,
                allow=OutboundGuard(),
                now=clock.now(),
                resolve=lambda host: [],
            )
            made.append(check.id)
        return made


def runner(db: Database, clock: FrozenClock, probe: Probe, *, workers: int = 0) -> Runner:
    module = Checks(CollectorRegistry(), probe=probe, clock=clock, workers=workers)
    return Runner(
        database=db, modules=[module], clock=clock, metrics=EngineMetrics(CollectorRegistry())
    )


def ok(job: Job) -> Outcome:
    return Outcome(ok=True, latency_ms=12.5)


def count(db: Database, model: Any) -> int:
    with db.transaction(write=False) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_due_checks_run_once_and_their_results_land_in_one_batch(
    db: Database, clock: FrozenClock
) -> None:
    ids = add_checks(db, clock, 5)
    probed: list[int] = []

    def probe(job: Job) -> Outcome:
        probed.append(job.check_id)
        return ok(job)

    engine = runner(db, clock, probe)
    engine.run_pending()
    engine.run_pending()
    assert sorted(probed) == ids
    assert count(db, CheckResult) == 5
    with db.transaction(write=False) as session:
        rows = session.scalars(select(Check).order_by(Check.id)).all()
        assert {row.status for row in rows} == {"up"}
        assert {row.next_due_at for row in rows} == {clock.now() + timedelta(seconds=30)}
        assert {row.claimed_until for row in rows} == {None}
        [rollup] = {
            (r.runs, r.failures, r.latency_max_ms) for r in session.scalars(select(CheckRollup))
        }
        assert rollup == (1, 0, 12.5)


def test_no_transaction_is_open_while_a_probe_waits_on_the_network(
    db: Database, clock: FrozenClock
) -> None:
    [check_id] = add_checks(db, clock, 1)
    waiting, release = threading.Event(), threading.Event()

    def slow(job: Job) -> Outcome:
        waiting.set()
        release.wait(10)
        return Outcome(ok=False, latency_ms=None, error="timed out after 10 s")

    engine = runner(db, clock, slow, workers=1)
    engine.run_pending()
    assert waiting.wait(10)
    with db.transaction() as session:  # would wait for a write lock held by the engine
        session.get(Check, check_id).name = "db primary"  # type: ignore[union-attr]
    engine.run_pending()  # the check is claimed: not taken a second time
    release.set()
    engine.stop()
    engine.close_modules()
    with db.transaction(write=False) as session:
        check = session.get(Check, check_id)
        assert check is not None
        assert (check.status, check.last_error) == ("down", "timed out after 10 s")
        [event] = session.scalars(select(Event)).all()
        assert (event.action, event.fingerprint) == ("trigger", f"check:{check_id}")
        assert event.body["summary"] == "db primary: timed out after 10 s"


def test_results_go_after_a_week_and_rollups_after_a_year(db: Database, clock: FrozenClock) -> None:
    [check_id] = add_checks(db, clock, 1)
    engine = runner(db, clock, ok)
    for _ in range(3):
        engine.run_pending()
        clock.advance(timedelta(seconds=30))
    assert count(db, CheckResult) == 3
    with db.transaction(write=False) as session:
        assert queries.uptime(session, check_id=check_id, now=clock.now())["24h"] == 100.0
    clock.advance(timedelta(days=8))
    retention = CheckRetention(results=timedelta(days=7), rollups=timedelta(days=365))
    with db.transaction() as session:
        assert retention.run_once(session, clock.now()) == 3
    assert count(db, CheckResult) == 0
    assert count(db, CheckRollup) == 1
    clock.advance(timedelta(days=365))
    with db.transaction() as session:
        assert retention.run_once(session, clock.now()) == 1
    assert count(db, CheckRollup) == 0


def test_uptime_counts_failed_runs_from_the_hourly_rollups(
    db: Database, clock: FrozenClock
) -> None:
    [check_id] = add_checks(db, clock, 1, retries=5)
    answers = iter([True, False, True, True])

    def flaky(job: Job) -> Outcome:
        good = next(answers)
        return Outcome(ok=good, latency_ms=5.0, error=None if good else "connection refused")

    engine = runner(db, clock, flaky)
    for _ in range(4):
        engine.run_pending()
        clock.advance(timedelta(seconds=30))
    with db.transaction(write=False) as session:
        assert queries.uptime(session, check_id=check_id, now=clock.now())["24h"] == 75.0
        [failure] = queries.failures(session, check_id=check_id)
        assert failure.error == "connection refused"


def test_an_answer_for_a_check_paused_meanwhile_changes_nothing(
    db: Database, clock: FrozenClock
) -> None:
    [check_id] = add_checks(db, clock, 1)
    waiting, release = threading.Event(), threading.Event()

    def slow(job: Job) -> Outcome:
        waiting.set()
        release.wait(10)
        return Outcome(ok=False, latency_ms=None, error="connection refused")

    engine = runner(db, clock, slow, workers=1)
    engine.run_pending()
    assert waiting.wait(10)
    with db.transaction() as session:
        checks.set_paused(session, check_id=check_id, paused=True, now=clock.now())
    release.set()
    engine.close_modules()
    with db.transaction(write=False) as session:
        check = session.get(Check, check_id)
        assert check is not None
        assert (check.status, check.paused, check.last_error) == ("new", True, None)
    assert count(db, Event) == 0
    assert count(db, CheckResult) == 0
