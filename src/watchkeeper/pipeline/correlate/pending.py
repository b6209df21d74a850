"""Which pending events one correlation run takes: each service's oldest, side by side.

Events wait in lanes, one per service they were sent to. A run takes the head of every
lane (up to a share each), so a storm of thousands on one service takes its share of each
run while one alert on another service is taken by the very next run: nobody's first page
waits behind someone else's storm.

Within a lane events are taken strictly in id order. Across lanes, two events with the
same fingerprint keep their order too: a routing rule may send both to one service, so an
event whose fingerprint has an earlier event still waiting in another lane stays for a
later run.

On PostgreSQL several engines correlate at once, each claiming the lanes it takes with an
advisory lock that lasts its transaction; `lock_services` then serialises writers of the
same service (routing may send two lanes' alerts to one), in id order, so no deadlock.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, text, union_all
from sqlalchemy.orm import Session

from watchkeeper.pipeline.ingest.models import Event

BATCH = 1000
LANE_SHARE = 100
MIN_SHARE = 50
MAX_LANES = 64
# Advisory lock spaces (PostgreSQL): a lane being correlated, and a service being written.
# Locks are database-wide, so the space is named per schema: installations that share a
# database in separate schemas do not hold each other's lanes.
LANE_LOCKS = "watchkeeper:lane"
SERVICE_LOCKS = "watchkeeper:service"
_SPACE = "hashtext(current_schema() || ':' || CAST(:space AS text))"

# A loose index scan: each step asks the pending index for the next service id, so the
# cost is one index probe per lane, however many events wait in each.
_LANES = text(
    """
    WITH RECURSIVE lanes(service_id, n) AS (
        SELECT (SELECT MIN(service_id) FROM events
                WHERE processed_at IS NULL AND service_id > :after), 1
        UNION ALL
        SELECT (SELECT MIN(e.service_id) FROM events e
                WHERE e.processed_at IS NULL AND e.service_id > lanes.service_id), n + 1
        FROM lanes WHERE lanes.service_id IS NOT NULL AND n < :limit
    )
    SELECT service_id FROM lanes WHERE service_id IS NOT NULL
    """
)


@dataclass(frozen=True, slots=True)
class Pending:
    """One accepted event as correlation reads it (no ORM object: this is the hot path)."""

    id: int
    service_id: int
    integration_id: int | None
    fingerprint: str
    body: dict[str, Any]
    received_at: datetime


class Lanes:
    """Takes batches fairly; remembers where the last run stopped when more services wait
    than one run takes, so every lane gets its turn."""

    def __init__(
        self, *, batch: int = BATCH, share: int = LANE_SHARE, min_share: int = MIN_SHARE
    ) -> None:
        self.batch = batch
        self.share = share
        self.min_share = min_share
        self._after = 0
        self.truncated = False  # whether the last batch left events behind

    def take(self, session: Session) -> list[Pending]:
        lanes = self._lanes(session)
        shared = session.get_bind().dialect.name == "postgresql"
        if shared:  # enough lanes for one batch; other engines take the rest
            lanes = _claim(session, lanes, limit=max(1, self.batch // self.share))
        if not lanes:
            self.truncated = False
            return []
        share = max(self.min_share, min(self.share, self.batch // len(lanes)))
        taken = _heads(session, lanes, share)
        counts = Counter(event.service_id for event in taken)
        cut = any(count >= share for count in counts.values())
        # Alone (SQLite), only a lane cut short leaves events of another lane's fingerprint
        # behind; on PostgreSQL another engine may hold the lane they wait in.
        if taken and (shared or (cut and len(lanes) > 1)):
            taken = _keep_fingerprint_order(session, taken)
        self.truncated = cut or len(lanes) == MAX_LANES
        return taken

    def _lanes(self, session: Session) -> list[int]:
        lanes = _scan(session, after=self._after)
        if len(lanes) < MAX_LANES and self._after:
            # Wrap around: the services below where the last turn stopped.
            lanes += [lane for lane in _scan(session, after=0) if lane not in lanes]
            lanes = lanes[:MAX_LANES]
        self._after = lanes[-1] if len(lanes) == MAX_LANES else 0
        return sorted(lanes)


def _scan(session: Session, *, after: int) -> list[int]:
    rows = session.execute(_LANES, {"after": after, "limit": MAX_LANES})
    return [int(row[0]) for row in rows]


def _columns() -> tuple[Any, ...]:
    return (
        Event.id,
        Event.service_id,
        Event.integration_id,
        Event.fingerprint,
        Event.body,
        Event.received_at,
    )


def _heads(session: Session, lanes: Sequence[int], share: int) -> list[Pending]:
    """The first `share` pending events of each lane, in one statement, in id order."""
    parts = [
        select(*_columns())
        .where(Event.processed_at.is_(None), Event.service_id == lane)
        .order_by(Event.id)
        .limit(share)
        .subquery()
        for lane in lanes
    ]
    stmt = (
        union_all(*(select(*part.c) for part in parts)) if len(parts) > 1 else select(*parts[0].c)
    )
    rows = session.execute(stmt).all()
    return sorted((Pending(*row) for row in rows), key=lambda event: event.id)


def _claim(session: Session, lanes: list[int], *, limit: int) -> list[int]:
    """PostgreSQL: up to `limit` lanes no other engine is correlating now, each locked for
    this transaction (a lock that is not free is skipped, never waited for). No ORDER BY:
    the scan stops, and stops locking, at the limit."""
    if not lanes:
        return []
    rows = session.execute(
        text(
            "SELECT lane FROM unnest(CAST(:lanes AS integer[])) AS lane "
            f"WHERE pg_try_advisory_xact_lock({_SPACE}, lane) LIMIT :limit"
        ),
        {"lanes": lanes, "space": LANE_LOCKS, "limit": limit},
    )
    return sorted(int(row[0]) for row in rows)


def _keep_fingerprint_order(session: Session, taken: list[Pending]) -> list[Pending]:
    """Leave for later the events whose fingerprint has an earlier event left behind, in
    a lane cut short or held by another engine (and, so that each lane stays in order,
    what comes after them in their lane)."""
    ids = [event.id for event in taken]
    rows = session.execute(
        select(Event.fingerprint, func.min(Event.id))
        .where(
            Event.processed_at.is_(None),
            Event.fingerprint.in_(sorted({event.fingerprint for event in taken})),
            Event.id < max(ids),
            Event.id.not_in(ids),
        )
        .group_by(Event.fingerprint)
    ).all()
    earliest = {fingerprint: int(first) for fingerprint, first in rows}
    if not earliest:
        return taken
    # A lane stays a queue: from its first event that must wait, the rest of it waits too;
    # what waits that way holds back its fingerprint in other lanes in turn.
    while True:
        stop: dict[int, int] = {}
        for event in taken:
            if event.id > earliest.get(event.fingerprint, event.id):
                stop.setdefault(event.service_id, event.id)
        kept = [e for e in taken if e.id < stop.get(e.service_id, e.id + 1)]
        held = False
        for event in taken:
            if event.id >= stop.get(event.service_id, event.id + 1) and event.id < earliest.get(
                event.fingerprint, event.id + 1
            ):
                earliest[event.fingerprint] = event.id
                held = True
        if not held:
            return kept


def lock_services(session: Session, service_ids: set[int]) -> None:
    """PostgreSQL: wait for, then hold until commit, the services this batch writes to,
    in id order; another engine's batch routed to the same service waits its turn, so
    alerts dedup and group as if one engine had done both."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for service_id in sorted(service_ids):
        session.execute(
            text(f"SELECT pg_advisory_xact_lock({_SPACE}, :service)"),
            {"space": SERVICE_LOCKS, "service": service_id},
        )
