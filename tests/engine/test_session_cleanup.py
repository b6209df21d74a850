"""Engine module `session_cleanup`: rows in, rows out, idempotent on rerun."""

from __future__ import annotations

from datetime import timedelta

from prometheus_client import CollectorRegistry
from sqlalchemy import select

from tests.factories import PASSWORD, make_user
from watchkeeper.catalog.access import service as access
from watchkeeper.catalog.access.models import WebSession
from watchkeeper.core.clock import FrozenClock
from watchkeeper.db.session import Database
from watchkeeper.engine.metrics import EngineMetrics
from watchkeeper.engine.modules import session_cleanup
from watchkeeper.engine.runner import Runner

POLICY = access.SessionPolicy(idle=timedelta(hours=1), max_age=timedelta(days=1))


def test_expired_sessions_are_deleted_and_live_ones_kept(db: Database, clock: FrozenClock) -> None:
    with db.transaction() as session:
        make_user(session, now=clock.now(), login="alice")
        access.login(session, login="alice", password=PASSWORD, now=clock.now(), policy=POLICY)
    clock.advance(minutes=61)
    with db.transaction() as session:
        access.login(session, login="alice", password=PASSWORD, now=clock.now(), policy=POLICY)
    runner = Runner(
        database=db,
        modules=[session_cleanup.MODULE],
        clock=clock,
        metrics=EngineMetrics(CollectorRegistry()),
    )
    assert runner.run_pending() == {"session_cleanup": 1}
    assert runner.run_pending() == {"session_cleanup": 0}
    with db.transaction(write=False) as session:
        remaining = session.scalars(select(WebSession.created_at)).all()
    assert remaining == [clock.now()]
