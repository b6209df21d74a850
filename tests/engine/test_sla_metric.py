"""The SLA events metric counts what was committed, once, even when a commit is retried."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from prometheus_client import CollectorRegistry
from sqlalchemy import Connection, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from tests.factories import declare, make_service
from watchkeeper.core.clock import FrozenClock
from watchkeeper.db.session import Database
from watchkeeper.engine.metrics import EngineMetrics
from watchkeeper.engine.modules.sla_clocks import SlaClocks
from watchkeeper.engine.protocol import CycleModule
from watchkeeper.engine.runner import Runner

BREACHES = {"clock": "acknowledge", "kind": "breach", "priority": "P1"}


@pytest.fixture
def busy_once(db: Database) -> Iterator[list[str]]:
    """Append "armed": the next commit fails as SQLite's does while another writer holds
    the lock (the list then reads "armed", "failed")."""
    state: list[str] = []

    def busy(_: Connection) -> None:
        if state == ["armed"]:
            state.append("failed")
            raise OperationalError("COMMIT", {}, Exception("database is locked"))

    event.listen(db.engine, "commit", busy)
    yield state
    event.remove(db.engine, "commit", busy)


def _nothing(_: Session, __: datetime) -> int:
    return 0


def test_a_breach_is_counted_once_when_its_commit_is_retried(
    db: Database, clock: FrozenClock, busy_once: list[str]
) -> None:
    with db.transaction() as session:
        service = make_service(session, now=clock.now())
        declare(session, now=clock.now(), service_id=service.id, impact=1, urgency=1)
    clock.advance(timedelta(minutes=6))  # P1: acknowledge within 5 minutes
    registry = CollectorRegistry()
    # Two modules: on SQLite they share one turn's transaction, as in the real engine.
    modules: Any = (SlaClocks(registry), CycleModule("other", 1, 1.0, _nothing))
    runner = Runner(
        database=db, modules=modules, clock=clock, metrics=EngineMetrics(CollectorRegistry())
    )
    busy_once.append("armed")
    runner.run_pending()
    assert busy_once == ["armed", "failed"]  # the engine's commit was busy, and retried
    assert registry.get_sample_value("watchkeeper_sla_events_total", BREACHES) == 1
    runner.run_pending()
    assert registry.get_sample_value("watchkeeper_sla_events_total", BREACHES) == 1
