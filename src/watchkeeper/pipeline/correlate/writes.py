"""Storing what a correlation batch decided, with a few multi-row statements whatever its
size: incidents numbered as one block, alerts inserted and updated in bulk, flap
histories upserted, timeline entries and event outcomes written at once."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm import Session

from watchkeeper.db import ids
from watchkeeper.db.upsert import insert_for
from watchkeeper.incidents.models import Incident
from watchkeeper.incidents.service import reserve_numbers
from watchkeeper.pipeline.correlate import joins
from watchkeeper.pipeline.correlate.models import Alert, FlapHistory
from watchkeeper.pipeline.correlate.service import Decided, Outcome
from watchkeeper.pipeline.correlate.state import AlertRow, State
from watchkeeper.pipeline.ingest.models import Event

MAX_OUTCOME = 200


def apply(
    session: Session, state: State, decided: Sequence[Decided], now: datetime
) -> list[Outcome]:
    """Write the batch; returns each event's outcome, in the batch's order."""
    _number_incidents(session, state)
    # Updates first: an alert resolved in this batch makes way, under the unique index of
    # open alerts, for a new one with its fingerprint.
    _update_alerts(session, [alert for alert in state.loaded_alerts if alert.changed])
    _insert_alerts(session, state.new_alerts)
    _store_flaps(session, state)
    joins.write(session, state)
    state.entries.write(session)
    outcomes = [item.outcome() for item in decided]
    events = Event.table()
    session.execute(
        update(events).where(events.c.id == bindparam("event_id")),
        [
            {"event_id": item.event.id, "processed_at": now, "outcome": text[:MAX_OUTCOME]}
            for item, text in zip(decided, (outcome.text for outcome in outcomes), strict=True)
        ],
    )
    session.flush()  # the incidents the batch moved
    return outcomes


def _number_incidents(session: Session, state: State) -> None:
    """New incidents take consecutive numbers from one reservation on the counter."""
    if not state.new_incidents:
        return
    first = reserve_numbers(session, len(state.new_incidents))
    for offset, incident in enumerate(state.new_incidents):
        incident.id = first + offset
    session.execute(insert(Incident.table()), [row.columns() for row in state.new_incidents])


def _stored(alert: AlertRow) -> dict[str, Any]:
    reason = alert.suppressed_reason
    return {
        "status": alert.status,
        "summary": alert.summary,
        "details": alert.details,
        "last_seen_at": alert.last_seen_at,
        "resolved_at": alert.resolved_at,
        "count": alert.count,
        "incident_id": alert.incident.id if alert.incident is not None else alert.incident_id,
        "suppressed_reason": None if reason is None else _text(reason)[:255],
        "flapping": alert.flapping,
        "last_event_id": alert.last_event_id,
    }


def _insert_alerts(session: Session, alerts: list[AlertRow]) -> None:
    """Insert with ids reserved beforehand. The partial unique index on open alerts still
    guards dedup: a clash (another writer) fails the batch, which is then run again."""
    if not alerts:
        return
    rows = [
        {
            **_stored(alert),
            "service_id": alert.service_id,
            "integration_id": alert.integration_id,
            "fingerprint": alert.fingerprint,
            "severity": alert.severity,
            "source": alert.source,
            "labels": alert.labels,
            "links": alert.links,
            "first_seen_at": alert.first_seen_at,
        }
        for alert in alerts
    ]
    table = Alert.table()
    for alert, row, alert_id in zip(
        alerts, rows, ids.reserve(session, table, len(alerts)), strict=True
    ):
        alert.id = row["id"] = alert_id
        alert.incident_id = row["incident_id"]
    session.execute(insert(table), rows)


def _update_alerts(session: Session, alerts: list[AlertRow]) -> None:
    if alerts:
        table = Alert.table()
        session.execute(
            update(table).where(table.c.id == bindparam("alert_id")),
            [{"alert_id": alert.id, **_stored(alert)} for alert in alerts],
        )


def _store_flaps(session: Session, state: State) -> None:
    if not state.touched_flaps:
        return
    rows = [
        {
            "service_id": service_id,
            "fingerprint": fingerprint,
            "changes": [
                moment.isoformat() for moment in state.flaps[(service_id, fingerprint)].changes
            ],
            "flapping_since": state.flaps[(service_id, fingerprint)].flapping_since,
        }
        for service_id, fingerprint in sorted(state.touched_flaps)
    ]
    stmt = insert_for(session, FlapHistory.table())
    stmt = stmt.on_conflict_do_update(
        index_elements=["service_id", "fingerprint"],
        set_={"changes": stmt.excluded.changes, "flapping_since": stmt.excluded.flapping_since},
    )
    session.execute(stmt, rows)


def _text(reason: str | Callable[[], str]) -> str:
    return reason if isinstance(reason, str) else reason()
