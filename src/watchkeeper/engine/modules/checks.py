"""Engine module: run the synthetic checks.

Each run writes the answers that came back, claims the checks now due, and, once that
transaction has committed, hands them to a pool of probe threads: no transaction is open
while a probe waits on the network. A failure wakes the engine, so its event is correlated
and paged at once; other answers are written by the next run (within a second).
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from datetime import datetime, timedelta

from prometheus_client import CollectorRegistry, Counter, Histogram
from sqlalchemy.orm import Session

from watchkeeper.core.clock import Clock
from watchkeeper.engine.executors import InlineExecutor
from watchkeeper.monitoring.checks import cycle
from watchkeeper.monitoring.checks.decide import Answer
from watchkeeper.monitoring.checks.probes.base import Job, Outcome

Probe = Callable[[Job], Outcome]
# Checks due within this much of a run are taken by it and started on time by their
# thread, so runs do not start up to a whole module interval late.
LOOKAHEAD = timedelta(seconds=1)


class Checks:
    name = "checks"
    version = 1
    interval = 1.0
    wakeable = True
    exclusive = False

    def __init__(
        self, registry: CollectorRegistry, *, probe: Probe, clock: Clock, workers: int = 32
    ) -> None:
        self.probe = probe
        self.clock = clock
        self._pool: Executor = (
            ThreadPoolExecutor(workers, thread_name_prefix="watchkeeper-check")
            if workers
            else InlineExecutor()
        )
        # Checks are claimed only while the pool can start them soon: what is not taken
        # stays due in the table (its lateness shows as drift), not queued in memory.
        self._capacity = max(workers, 1) * 4
        self._in_flight = 0
        self._lock = threading.Lock()
        self._answers: queue.SimpleQueue[Answer] = queue.SimpleQueue()
        self._settling: list[Answer] = []
        self._taken: list[Job] = []
        self._closed = False
        # Inline (tests, one-shot commands): nothing waits, only what is due now is taken.
        self._inline = not workers
        self._lookahead = timedelta(0) if self._inline else LOOKAHEAD
        self.outcomes = Counter(
            "watchkeeper_check_runs_total",
            "Check runs, by kind and outcome.",
            ["kind", "outcome"],
            registry=registry,
        )
        self.lag = Histogram(
            "watchkeeper_check_lag_seconds",
            "How late check runs start after they are due (schedule drift).",
            buckets=(0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30),
            registry=registry,
        )

    @property
    def batch_limit(self) -> int | None:
        # Inline, the answers are back as soon as the run commits: record them at once.
        # Pooled, answers come in all the time; the next run (within a second, or at once
        # when a failure wakes the engine) records them, rather than the runner spinning.
        return None if self._inline and not self._answers.empty() else cycle.BATCH

    def run_once(self, session: Session, now: datetime) -> int:
        # Answers stay in hand until this transaction commits (see after_commit).
        while not self._answers.empty():
            self._settling.append(self._answers.get())
        handled = cycle.settle(session, self._settling, now)
        with self._lock:
            room = self._capacity - self._in_flight
        self._taken = (
            []
            if self._closed
            else cycle.take_due(session, now + self._lookahead, limit=room, now=now)
        )
        return handled + len(self._taken)

    def after_commit(self, wake: Callable[[], None]) -> None:
        self._settling = []
        jobs, self._taken = self._taken, []
        with self._lock:
            self._in_flight += len(jobs)
        for job in jobs:
            self._pool.submit(self._run, job, wake)

    def close(self) -> None:
        """Wait for probes in flight (the runner then writes their answers); those not
        started yet are dropped, and run again when their hold runs out."""
        self._closed = True
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _run(self, job: Job, wake: Callable[[], None]) -> None:
        early = (job.due_at - self.clock.now()).total_seconds()
        if 0 < early <= self._lookahead.total_seconds():
            time.sleep(early)
        started = self.clock.now()
        self.lag.observe(max((started - job.due_at).total_seconds(), 0.0))
        outcome = self.probe(job)
        self.outcomes.labels(job.kind, "ok" if outcome.ok else "failed").inc()
        self._answers.put(Answer(job=job, outcome=outcome, started_at=started))
        with self._lock:
            self._in_flight -= 1
        if not outcome.ok:
            wake()
