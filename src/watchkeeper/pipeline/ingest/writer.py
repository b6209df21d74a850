"""Group commit: many concurrent requests share one transaction and one fsync.

Requests hand their events to `IntakeWriter.submit` and wait on the returned future; a
single writer thread takes everything queued, writes it in one transaction, commits,
then completes every future. A 202 is only sent when its future completes, that is,
after the commit. If the commit fails every waiting request fails with it (the sender
retries), and nothing is half-written.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime

import structlog
from sqlalchemy import insert
from sqlalchemy.orm import Session

from watchkeeper.db.errors import is_transient
from watchkeeper.db.session import Database
from watchkeeper.pipeline.ingest.events import ChangeEvent, NormalizedEvent
from watchkeeper.pipeline.ingest.models import ChangeEventRow, Event, RawPayload

log = structlog.get_logger(__name__)
MAX_RAW = 64 * 1024
MAX_BATCH = 2000


@dataclass
class Submission:
    """One request's worth of events (or change events), with the raw body to keep."""

    integration_id: int | None
    service_id: int
    received_at: datetime
    events: list[NormalizedEvent] = field(default_factory=list)
    changes: list[ChangeEvent] = field(default_factory=list)
    raw: bytes = b""
    content_type: str = "application/json"
    future: Future[int] = field(default_factory=Future)


class IntakeWriter:
    def __init__(self, database: Database, *, wake: Callable[[], None] = lambda: None) -> None:
        self.database = database
        self.wake = wake
        self._queue: queue.Queue[Submission | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._loop, name="watchkeeper-intake", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        """Write what is queued, then stop."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(30)
            self._thread = None

    def submit(self, submission: Submission) -> Future[int]:
        if self._thread is None:
            raise RuntimeError("the intake writer is not running")
        self._queue.put(submission)
        return submission.future

    def _loop(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            events = len(first.events)
            stop = False
            while events < MAX_BATCH:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    stop = True
                    break
                batch.append(item)
                events += len(item.events)
            self._write(batch)
            if stop:
                return

    def _write(self, batch: list[Submission]) -> None:
        try:
            ids = self.database.run_eagerly(lambda session: write_batch(session, batch))
        except Exception as exc:
            if not is_transient(exc):
                log.error("intake commit failed", error=str(exc), requests=len(batch))
            for submission in batch:
                submission.future.set_exception(exc)
            return
        for submission, stored in zip(batch, ids, strict=True):
            submission.future.set_result(stored)
        self.wake()


def write_batch(session: Session, batch: list[Submission]) -> list[int]:
    """Insert the raw payloads, events and change events of all submissions with a few
    multi-row INSERTs (Core, not ORM: this is the hot path); events stored per submission."""
    raw_ids = session.scalars(
        insert(RawPayload).returning(RawPayload.id, sort_by_parameter_order=True),
        [
            {
                "integration_id": s.integration_id,
                "received_at": s.received_at,
                "content_type": s.content_type[:100],
                "body": s.raw[:MAX_RAW].decode("utf-8", "replace"),
                "size": len(s.raw),
                "truncated": len(s.raw) > MAX_RAW,
            }
            for s in batch
        ],
    ).all()
    events = [
        {
            "integration_id": submission.integration_id,
            "service_id": submission.service_id,
            "received_at": submission.received_at,
            "action": event.action.value,
            "fingerprint": event.fingerprint(),
            "body": event.model_dump(mode="json"),
            "raw_id": raw_id,
            "processed_at": None,
            "outcome": None,
        }
        for submission, raw_id in zip(batch, raw_ids, strict=True)
        for event in submission.events
    ]
    if events:
        session.execute(insert(Event), events)
    changes = [
        {
            "service_id": submission.service_id,
            "integration_id": submission.integration_id,
            "occurred_at": change.occurred_at or submission.received_at,
            "received_at": submission.received_at,
            "summary": change.summary,
            "source": change.source,
            "details": change.details,
            "links": [link.model_dump() for link in change.links],
        }
        for submission in batch
        for change in submission.changes
    ]
    if changes:
        session.execute(insert(ChangeEventRow), changes)
    return [len(submission.events) for submission in batch]
