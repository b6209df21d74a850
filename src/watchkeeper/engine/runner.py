"""The engine runner: calls each due module in its own short transaction.

Scheduling uses the monotonic clock (how long to sleep); the work itself is given `now`
from the injected clock, so tests can freeze and advance time and call `run_pending()`.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import structlog
from sqlalchemy.orm import Session

from watchkeeper.core.clock import Clock
from watchkeeper.db.engine_state import (
    LeaseOutcome,
    acquire_lease,
    record_heartbeat,
    release_leases,
    release_orphaned_leases,
)
from watchkeeper.db.session import Database
from watchkeeper.engine.metrics import EngineMetrics
from watchkeeper.engine.protocol import AfterCommit, EngineModule

log = structlog.get_logger(__name__)

LEASE_TTL = timedelta(seconds=30)
HEARTBEAT_EVERY = 2.0
# A module that handled rows runs again at once, but not forever within one pass.
MAX_DRAIN_ROUNDS = 100
SQLITE_HANDOFF = 0.002


@dataclass
class _Slot:
    module: EngineModule
    next_due: float = 0.0
    superseded: bool = False
    last_error: str | None = None
    # Until when this runner's lease is known to be held (committed), and the renewal
    # the current run would commit.
    held_until: datetime | None = None
    renewing: datetime | None = None


@dataclass
class Runner:
    database: Database
    modules: Sequence[EngineModule]
    clock: Clock
    metrics: EngineMetrics
    poll_interval: float = 1.0
    holder: str = field(
        default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    )

    def __post_init__(self) -> None:
        self._slots = [_Slot(module) for module in self.modules]
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._started_at = self.clock.now()
        self._last_beat = 0.0
        self._exclusive = self.database.is_sqlite

    # -- control -----------------------------------------------------------------------

    def wake(self) -> None:
        """Ask for wakeable modules to run now (called after ingest commits)."""
        self._wake.set()

    def start(self) -> None:
        if self._thread is not None:
            return
        self.take_over_orphans()
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="watchkeeper-engine", daemon=True)
        self._thread.start()
        log.info("engine started", holder=self.holder, modules=[m.name for m in self.modules])

    def take_over_orphans(self) -> int:
        """Free the leases of engines on this host whose process is gone (after a kill -9
        they would otherwise hold their modules until the lease expires)."""
        released = self.database.run(
            lambda s: release_orphaned_leases(s, host=socket.gethostname(), alive=_alive)
        )
        if released:
            log.info("took over the leases of an engine that is gone", leases=released)
        return released

    def stop(self, timeout: float = 10.0) -> None:
        """Finish the current run, give up leases so a successor starts at once."""
        if self._thread is None:
            return
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)
        self._thread = None
        self.close_modules()
        for slot in self._slots:
            slot.held_until = None
        try:
            self.database.run(lambda s: release_leases(s, holder=self.holder))
        except Exception:
            log.warning("could not release engine leases", holder=self.holder, exc_info=True)
        log.info("engine stopped", holder=self.holder)

    def close_modules(self) -> None:
        """Let modules with work in flight finish it, and record the outcome."""
        for slot in self._slots:
            if isinstance(slot.module, AfterCommit):
                slot.module.close()
                self._run_one(slot)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # -- work --------------------------------------------------------------------------

    def run_pending(self, *, only_due: bool = False) -> dict[str, int]:
        """Run modules (all, or only those due) until each reports no more work.

        They take turns: while one has more to do (a storm being correlated), every stage
        of the page path runs again after each of its runs, so what one batch produced is
        escalated, planned and sent before the next batch, not after the whole storm.
        """
        now_mono = time.monotonic()
        due = [
            slot
            for slot in self._slots
            if not slot.superseded and not (only_due and slot.next_due > now_mono)
        ]
        handled = {slot.module.name: 0 for slot in due}
        turn = due
        for _ in range(MAX_DRAIN_ROUNDS):
            busy = False
            for slot, rows in zip(turn, self._run_turn(turn), strict=True):
                handled[slot.module.name] += rows
                limit = slot.module.batch_limit
                busy = busy or (rows > 0 and (limit is None or rows >= limit))
            if not busy or self._stop.is_set():
                break
            turn = [slot for slot in due if slot.module.wakeable and not slot.superseded]
            if self._exclusive:
                # SQLite: leave the write lock free a moment, for intake waiting to commit.
                time.sleep(SQLITE_HANDOFF)
        for slot in due:
            slot.next_due = time.monotonic() + slot.module.interval
        return handled

    def run_round(self) -> dict[str, int]:
        """Run every module once, in order: one turn of the loop when all are due."""
        turn = [slot for slot in self._slots if not slot.superseded]
        return {
            slot.module.name: rows for slot, rows in zip(turn, self._run_turn(turn), strict=True)
        }

    def _run_turn(self, turn: list[_Slot]) -> list[int]:
        """Run each module once. On SQLite a turn is one transaction, each module in a
        savepoint of its own: the write lock is taken once per turn, not once per module,
        so a page goes from alert to outbox without queueing for the lock at every stage,
        and a module that fails rolls back alone."""
        if not self._exclusive or len(turn) < 2:
            return [self._run_one(slot) for slot in turn]
        outcomes: dict[int, tuple[int, float] | Exception] = {}

        def work(session: Session) -> None:
            outcomes.clear()
            for index, slot in enumerate(turn):
                started = time.perf_counter()
                try:
                    with session.begin_nested():
                        rows = self._step(session, slot)
                except Exception as exc:
                    slot.renewing = None
                    outcomes[index] = exc
                    continue
                outcomes[index] = (rows, time.perf_counter() - started)

        try:
            self.database.run_eagerly(work)
        except Exception as exc:  # the commit itself failed: nothing of the turn stands
            outcomes = dict.fromkeys(range(len(turn)), exc)
        return [self._settle(slot, outcomes[index]) for index, slot in enumerate(turn)]

    def heartbeat(self) -> None:
        now = self.clock.now()
        self.database.run(
            lambda s: record_heartbeat(
                s,
                runner_id=self.holder,
                host=socket.gethostname(),
                pid=os.getpid(),
                started_at=self._started_at,
                now=now,
            )
        )
        self.metrics.heartbeat.set(now.timestamp())
        self._last_beat = time.monotonic()

    def _run_one(self, slot: _Slot) -> int:
        started = time.perf_counter()
        try:
            rows = self.database.run_eagerly(lambda session: self._step(session, slot))
        except Exception as exc:
            return self._settle(slot, exc)
        return self._settle(slot, (rows, time.perf_counter() - started))

    def _settle(self, slot: _Slot, outcome: tuple[int, float] | Exception) -> int:
        """After the commit: count a module's run, or report its failure."""
        module = slot.module
        if isinstance(outcome, Exception):
            slot.held_until = None
            self.metrics.failures.labels(module.name).inc()
            slot.last_error = repr(outcome)
            log.error("engine module failed", module=module.name, exc_info=outcome)
            return 0
        rows, seconds = outcome
        if slot.renewing is not None:
            slot.held_until, slot.renewing = slot.renewing, None
        if isinstance(module, AfterCommit):
            module.after_commit(self.wake)
        self.metrics.run_seconds.labels(module.name).observe(seconds)
        self.metrics.rows.labels(module.name).inc(rows)
        self.metrics.last_success.labels(module.name).set(time.time())
        slot.last_error = None
        return rows

    def _step(self, session: Session, slot: _Slot) -> int:
        module = slot.module
        now: datetime = self.clock.now()
        slot.renewing = None
        if slot.held_until is not None and now < slot.held_until - LEASE_TTL / 2:
            # Nobody can take a lease before it expires: no need to write it every run.
            return module.run_once(session, now)
        outcome = acquire_lease(
            session,
            module=module.name,
            version=module.version,
            holder=self.holder,
            now=now,
            ttl=LEASE_TTL,
            exclusive=self._exclusive or module.exclusive,
        )
        if outcome is LeaseOutcome.SUPERSEDED:
            slot.superseded = True
            log.warning("newer module version runs elsewhere; stopping it here", module=module.name)
            return 0
        if outcome is LeaseOutcome.BUSY:
            return 0
        slot.renewing = now + LEASE_TTL
        return module.run_once(session, now)

    def _loop(self) -> None:
        while not self._stop.is_set():
            woken = self._wake.is_set()
            self._wake.clear()
            if woken:
                for slot in self._slots:
                    if slot.module.wakeable:
                        slot.next_due = 0.0
            try:
                self.run_pending(only_due=True)
                if time.monotonic() - self._last_beat >= HEARTBEAT_EVERY:
                    self.heartbeat()
            except Exception:
                log.exception("engine pass failed")
            self._wake.wait(self._sleep_for())

    def _sleep_for(self) -> float:
        now_mono = time.monotonic()
        due = [slot.next_due - now_mono for slot in self._slots if not slot.superseded]
        beat = self._last_beat + HEARTBEAT_EVERY - now_mono
        return max(0.0, min([self.poll_interval, beat, *due]))


def _alive(pid: int) -> bool:
    """Whether process `pid` exists on this host (one of another user counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
