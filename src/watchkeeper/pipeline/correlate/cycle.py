"""Engine entry point of correlation: take a fair batch of new events and correlate it.

One run reads its batch and what the batch needs with a few queries, decides every event
in memory, in order, and writes the result with a few multi-row statements, so its cost
per event is microseconds of Python, not a round of queries.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from watchkeeper.pipeline.correlate import context, pending, service, state, writes
from watchkeeper.pipeline.correlate.pending import Lanes
from watchkeeper.pipeline.correlate.service import Outcome


def run_once(
    session: Session,
    now: datetime,
    *,
    flap_changes: int = context.DEFAULT_FLAP_CHANGES,
    flap_window: timedelta = context.DEFAULT_FLAP_WINDOW,
    contexts: context.ContextCache | None = None,
    lanes: Lanes | None = None,
) -> list[Outcome]:
    """Correlate one batch of pending events; returns what became of each, in id order.

    Each lane is taken in id order by one engine at a time (SQLite: the module's lease;
    PostgreSQL: a lock per lane), so a trigger and its resolve never swap places.
    """
    events = (lanes or Lanes()).take(session)
    if not events:
        return []
    if contexts is not None:
        ctx = contexts.get(session, now)
    else:
        ctx = context.load(session, now, flap_changes=flap_changes, flap_window=flap_window)
    batch = service.parse(events, ctx)
    pending.lock_services(session, {routed.service_id for routed in batch})
    held = state.load(session, batch, ctx, now)
    decided = service.decide(session, batch, held, ctx, now)
    return writes.apply(session, held, decided, now)
