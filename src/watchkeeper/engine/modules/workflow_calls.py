"""Engine module: send the workflows' outgoing calls (webhooks, remediation endpoints).

Each run records the answers that came back, takes the calls now due, and, once that
transaction has committed, sends them from a small pool of threads; a slow endpoint
holds one thread until its timeout, never the engine."""

from __future__ import annotations

import queue
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy.orm import Session

from watchkeeper.db.sealing import Sealer
from watchkeeper.response.workflows import calls

log = structlog.get_logger(__name__)


class _Inline(Executor):
    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_result(fn(*args, **kwargs))
        return future


class WorkflowCalls:
    name = "workflow_calls"
    version = 1
    interval = 1.0
    wakeable = True
    exclusive = False

    def __init__(self, *, caller: calls.Caller, sealer: Sealer, workers: int = 4) -> None:
        self.caller = caller
        self.sealer = sealer
        self._pool: Executor = (
            ThreadPoolExecutor(workers, thread_name_prefix="watchkeeper-calls")
            if workers
            else _Inline()
        )
        self._answers: queue.SimpleQueue[calls.Answer] = queue.SimpleQueue()
        self._settling: list[calls.Answer] = []
        self._taken: list[calls.Job] = []
        self._closed = False

    @property
    def batch_limit(self) -> int | None:
        return None if not self._answers.empty() else calls.BATCH

    def run_once(self, session: Session, now: datetime) -> int:
        while not self._answers.empty():
            self._settling.append(self._answers.get())
        handled = calls.settle(session, self._settling, now)
        self._taken = [] if self._closed else calls.take_due(session, now, sealer=self.sealer)
        return handled + len(self._taken)

    def after_commit(self, wake: Callable[[], None]) -> None:
        self._settling = []
        jobs, self._taken = self._taken, []
        for job in jobs:
            self._pool.submit(self._send, job, wake)

    def close(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=True)
        self.caller.close()

    def _send(self, job: calls.Job, wake: Callable[[], None]) -> None:
        try:
            answer = self.caller.call(job)
        except Exception as exc:  # a bug must not lose the call: it is retried
            log.exception("workflow call raised", call_id=job.call_id)
            answer = calls.Answer(
                job.call_id, job.attempt, False, True, None, "", type(exc).__name__
            )
        self._answers.put(answer)
        wake()
