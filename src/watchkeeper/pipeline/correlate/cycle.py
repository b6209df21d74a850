"""Engine entry point of correlation: take new events in order and correlate each."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.pipeline.correlate import context
from watchkeeper.pipeline.correlate.service import Outcome, correlate
from watchkeeper.pipeline.ingest.models import Event

BATCH = 200
CHUNK = 8
# A run holds SQLite's write lock, which intake needs for its commits: a run ends after
# this long (the runner starts the next one at once), so intake never waits for long.
TIME_BUDGET = 0.01


def run_once(
    session: Session,
    now: datetime,
    *,
    flap_changes: int = context.DEFAULT_FLAP_CHANGES,
    flap_window: timedelta = context.DEFAULT_FLAP_WINDOW,
    budget: float = TIME_BUDGET,
    contexts: context.ContextCache | None = None,
) -> list[Outcome]:
    """Correlate up to BATCH pending events, oldest first; returns what became of each.

    Events are taken strictly in id order by one engine at a time (the module's lease is
    exclusive), so a trigger and its resolve can never be handled out of order.
    """
    chunk = _pending(session, after_id=0)
    if not chunk:
        return []
    if contexts is not None:
        ctx = contexts.get(session, now)
    else:
        ctx = context.load(session, now, flap_changes=flap_changes, flap_window=flap_window)
    outcomes: list[Outcome] = []
    deadline = time.monotonic() + budget  # wall time of this run, not the injected clock
    with session.no_autoflush:  # flush once per event, not before every query
        while chunk:
            for event in chunk:
                outcome = correlate(session, event, ctx, now)
                event.processed_at = now
                event.outcome = outcome.text[:200]
                outcomes.append(outcome)
                session.flush()
                if len(outcomes) >= BATCH or time.monotonic() > deadline:
                    return outcomes
            # A short chunk was all there was when it was read; later events wake a new run.
            chunk = _pending(session, after_id=chunk[-1].id) if len(chunk) == CHUNK else []
    return outcomes


def _pending(session: Session, *, after_id: int) -> Sequence[Event]:
    # Small chunks: a run ends on its time budget after a few events when each is costly
    # (a storm joining one incident), and should not have loaded hundreds it never reaches.
    stmt = (
        select(Event)
        .where(Event.processed_at.is_(None), Event.id > after_id)
        .order_by(Event.id)
        .limit(CHUNK)
    )
    return session.scalars(stmt).all()
