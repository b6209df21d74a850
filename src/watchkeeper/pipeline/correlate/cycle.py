"""Engine entry point of correlation: take new events in order and correlate each."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.pipeline.correlate import context
from watchkeeper.pipeline.correlate.service import Outcome, correlate
from watchkeeper.pipeline.ingest.models import Event

BATCH = 500


def run_once(
    session: Session,
    now: datetime,
    *,
    flap_changes: int = context.DEFAULT_FLAP_CHANGES,
    flap_window: timedelta = context.DEFAULT_FLAP_WINDOW,
) -> list[Outcome]:
    """Correlate up to BATCH pending events, oldest first; returns what became of each.

    Events are taken strictly in id order by one engine at a time (the module's lease is
    exclusive), so a trigger and its resolve can never be handled out of order.
    """
    pending = session.scalars(
        select(Event).where(Event.processed_at.is_(None)).order_by(Event.id).limit(BATCH)
    ).all()
    if not pending:
        return []
    ctx = context.load(session, now, flap_changes=flap_changes, flap_window=flap_window)
    outcomes = []
    for event in pending:
        outcome = correlate(session, event, ctx, now)
        event.processed_at = now
        event.outcome = outcome.text[:200]
        outcomes.append(outcome)
    return outcomes
