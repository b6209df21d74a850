"""Engine module: deliver the communication outbox (subscribers, stakeholders).

Its own module, batch and sender threads, apart from `notify_send`: not woken by
intake and never drained in the page path's turns, so a fan-out to ten thousand
subscribers runs beside paging, one bounded batch per engine pass, not ahead of it."""

from __future__ import annotations

import queue
from collections.abc import Callable, Mapping
from concurrent.futures import Executor, ThreadPoolExecutor
from datetime import datetime

import structlog
from prometheus_client import CollectorRegistry, Counter
from sqlalchemy.orm import Session

from watchkeeper.db.sealing import Sealer, Unreadable
from watchkeeper.engine.executors import InlineExecutor
from watchkeeper.pipeline.notify.channels.base import Channel, Delivery
from watchkeeper.response.outbox import service as outbox

log = structlog.get_logger(__name__)


class CommsSend:
    name = "comms_send"
    version = 1
    interval = 0.25
    wakeable = False
    exclusive = False

    def __init__(
        self,
        registry: CollectorRegistry,
        *,
        channels: Mapping[str, Channel],
        sealer: Sealer,
        workers: int = 4,
        batch: int = outbox.BATCH,
    ) -> None:
        self.channels = channels
        self.sealer = sealer
        self.batch = batch
        self._pool: Executor = (
            ThreadPoolExecutor(workers, thread_name_prefix="watchkeeper-comms")
            if workers
            else InlineExecutor()
        )
        self._answers: queue.SimpleQueue[outbox.Result] = queue.SimpleQueue()
        self._settling: list[outbox.Result] = []
        self._taken: list[outbox.Job] = []
        self._in_flight = 0
        self._closed = False
        self.outcomes = Counter(
            "watchkeeper_comms_messages_total",
            "Subscriber and stakeholder delivery attempts, by channel and outcome.",
            ["channel", "outcome"],
            registry=registry,
        )

    @property
    def batch_limit(self) -> int | None:
        return self.batch

    def run_once(self, session: Session, now: datetime) -> int:
        while not self._answers.empty():
            self._settling.append(self._answers.get())
            self._in_flight -= 1
        handled = outbox.settle(session, self._settling, now) + outbox.recover(session, now)
        # Take no more than the senders can have in hand: a backlog waits in the table.
        room = max(self.batch - self._in_flight, 0)
        self._taken = [] if self._closed or not room else outbox.take_due(session, now, limit=room)
        return handled + len(self._taken)

    def after_commit(self, wake: Callable[[], None]) -> None:
        self._settling = []
        jobs, self._taken = self._taken, []
        self._in_flight += len(jobs)
        for job in jobs:
            self._pool.submit(self._deliver, job)

    def close(self) -> None:
        self._closed = True
        self._pool.shutdown(wait=True)

    def _deliver(self, job: outbox.Job) -> None:
        channel = self.channels.get(job.channel)
        if channel is None:
            delivery = Delivery(ok=False, detail=f"no {job.channel} channel in this server")
        else:
            delivery = self._send(channel, job)
        outcome = "sent" if delivery.ok else "retry" if delivery.retryable else "failed"
        self.outcomes.labels(job.channel, outcome).inc()
        self._answers.put(outbox.Result(job.message_id, delivery, job.attempt))

    def _send(self, channel: Channel, job: outbox.Job) -> Delivery:
        try:
            address = self.sealer.open(job.address) if job.sealed else job.address
            secret = job.secret
            if secret and job.sealed:
                secret = self.sealer.open(secret)
        except Unreadable:
            return Delivery(ok=False, detail="not sent: sealed under another secret key")
        try:
            return channel.send(address, job.outgoing, secret=secret)
        except Exception as exc:  # a channel bug must not lose the answer
            log.exception("channel raised", channel=job.channel)
            return Delivery(ok=False, retryable=True, detail=type(exc).__name__)
