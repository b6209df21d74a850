"""Engine module: deliver the notification outbox.

Each run records the answers of finished deliveries, takes the messages now due, and,
once that transaction has committed, hands them to a pool of sender threads. A channel
that hangs holds one thread until its timeout, never the engine or the other channels.
"""

from __future__ import annotations

import queue
from collections.abc import Callable, Mapping
from concurrent.futures import Executor, ThreadPoolExecutor
from datetime import datetime, timedelta

import structlog
from prometheus_client import CollectorRegistry, Counter
from sqlalchemy.orm import Session

from watchkeeper.db.sealing import Sealer, Unreadable
from watchkeeper.engine.executors import InlineExecutor
from watchkeeper.pipeline.notify import send
from watchkeeper.pipeline.notify.channels.base import Channel, Delivery
from watchkeeper.pipeline.notify.links import Linker

log = structlog.get_logger(__name__)
UNREADABLE_METHOD = (
    "not sent: the contact method was sealed under another secret key "
    "(WATCHKEEPER_SECRET_KEY changed); add it again"
)


class NotifySend:
    name = "notify_send"
    version = 1
    interval = 1.0
    wakeable = True
    exclusive = False

    def __init__(
        self,
        registry: CollectorRegistry,
        *,
        channels: Mapping[str, Channel],
        linker: Linker,
        sealer: Sealer,
        throttle: timedelta,
        workers: int = 16,
    ) -> None:
        self.channels = channels
        self.linker = linker
        self.sealer = sealer
        self.throttle = throttle
        self._pool: Executor = (
            ThreadPoolExecutor(workers, thread_name_prefix="watchkeeper-notify")
            if workers
            else InlineExecutor()
        )
        self._answers: queue.SimpleQueue[send.Result] = queue.SimpleQueue()
        self._settling: list[send.Result] = []
        self._taken: list[send.Job] = []
        self._closed = False
        self.outcomes = Counter(
            "watchkeeper_notifications_total",
            "Delivery attempts, by channel and outcome (sent, retry, failed).",
            ["channel", "outcome"],
            registry=registry,
        )

    @property
    def batch_limit(self) -> int | None:
        # Answers already back (an inline executor) want a run at once to record them.
        return None if not self._answers.empty() else send.BATCH

    def run_once(self, session: Session, now: datetime) -> int:
        # Answers stay in hand until this transaction commits (see after_commit).
        while not self._answers.empty():
            self._settling.append(self._answers.get())
        handled = send.settle(session, self._settling, now) + send.recover(session, now)
        self._taken = (
            []
            if self._closed
            else send.take_due(session, now, throttle=self.throttle, linker=self.linker)
        )
        return handled + len(self._taken)

    def after_commit(self, wake: Callable[[], None]) -> None:
        self._settling = []
        jobs, self._taken = self._taken, []
        for job in jobs:
            self._pool.submit(self._deliver, job, wake)

    def close(self) -> None:
        """Wait for deliveries in flight; the runner then settles their answers."""
        self._closed = True
        self._pool.shutdown(wait=True)
        for channel in {id(channel): channel for channel in self.channels.values()}.values():
            channel.close()

    def _deliver(self, job: send.Job, wake: Callable[[], None]) -> None:
        channel = self.channels.get(job.channel)
        if channel is None:
            delivery = Delivery(ok=False, detail=f"no {job.channel} channel in this server")
        else:
            delivery = self._send(channel, job)
        outcome = "sent" if delivery.ok else "retry" if delivery.retryable else "failed"
        self.outcomes.labels(job.channel, outcome).inc()
        self._answers.put(send.Result(job.notification_id, delivery, job.attempt))
        wake()

    def _send(self, channel: Channel, job: send.Job) -> Delivery:
        # Sealed at rest; opened here, in the sender thread, only for this send.
        try:
            address = self.sealer.open(job.address)
            secret = self.sealer.open(job.secret) if job.secret else None
        except Unreadable:
            return Delivery(ok=False, detail=UNREADABLE_METHOD)
        try:
            return channel.send(address, job.message, secret=secret)
        except Exception as exc:  # a channel bug must not lose the answer
            log.exception("channel raised", channel=job.channel)
            return Delivery(ok=False, retryable=True, detail=f"{type(exc).__name__}")
