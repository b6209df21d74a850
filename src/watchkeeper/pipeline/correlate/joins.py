"""Timeline entries for alerts joining incidents, rolled up when many come at once.

The first few alerts to join an incident within a minute get an entry each ("alert #12
joined: ..."); beyond that the minute gets one entry that counts them ("+1,250 alerts
joined since 14:02:10 UTC"), updated as more come. A storm of twenty thousand alerts
thus adds a few rows to its incident's timeline, not twenty thousand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from watchkeeper.incidents.models import TimelineEntry
from watchkeeper.incidents.record import IncidentState
from watchkeeper.incidents.timeline import Actor

if TYPE_CHECKING:
    from watchkeeper.pipeline.correlate.state import AlertRow, State

KIND = "alert"
ONE_BY_ONE = 3  # alerts per incident and minute that get an entry each
WINDOW = timedelta(minutes=1)


@dataclass
class Rollup:
    """The entry counting one minute's joins of one incident (new, or found stored)."""

    start: datetime
    count: int = 0
    first_alert: AlertRow | int | None = None
    last_alert: AlertRow | None = None
    last_summary: str = ""
    actor: Actor | None = None
    entry_id: int | None = None  # None: not stored yet
    stored: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> str:
        latest = f"alert #{_id(self.last_alert)} {self.last_summary}" if self.last_alert else ""
        return f"+{self.count:,} alerts joined since {self.start:%H:%M:%S} UTC" + (
            f" (latest: {latest})" if latest else ""
        )

    def data(self) -> dict[str, Any]:
        return {
            "rollup": True,
            "count": self.count,
            "first_alert_id": _id(self.first_alert),
            "last_alert_id": _id(self.last_alert),
        }


@dataclass
class Tally:
    """Joins of one incident in the current minute: how many had an entry each, and the
    rollup that counts the rest."""

    one_by_one: int = 0
    rollup: Rollup | None = None


def recent(session: Session, incident_ids: Iterable[int], now: datetime) -> dict[int, Tally]:
    """What the last minute's join entries of these incidents say, in one query."""
    ids = sorted(set(incident_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(TimelineEntry.id, TimelineEntry.incident_id, TimelineEntry.at, TimelineEntry.data)
        .where(
            TimelineEntry.incident_id.in_(ids),
            TimelineEntry.kind == KIND,
            TimelineEntry.at >= now - WINDOW,
        )
        .order_by(TimelineEntry.id)
    )
    tallies: dict[int, Tally] = {}
    for entry_id, incident_id, at, data in rows:
        tally = tallies.setdefault(incident_id, Tally())
        if data.get("rollup"):
            tally.rollup = Rollup(
                start=at,
                count=int(data.get("count", 0)),
                first_alert=data.get("first_alert_id"),
                entry_id=entry_id,
                stored=data,
            )
        else:
            tally.one_by_one += 1
    return tallies


def note(
    state: State,
    incident: IncidentState,
    alert: AlertRow,
    *,
    opened: bool,
    actor: Actor,
    at: datetime,
) -> None:
    """Put an alert's arrival on its incident's timeline, one by one or in the rollup."""
    summary = alert.summary
    if opened:
        state.entries.add(
            incident,
            KIND,
            lambda: f"alert #{alert.id} opened it: {summary}",
            actor,
            at,
            lambda: {"alert_id": alert.id, "fingerprint": alert.fingerprint},
        )
        return
    tally = state.tallies.setdefault(incident, Tally())
    if tally.rollup is None and tally.one_by_one < ONE_BY_ONE:
        tally.one_by_one += 1
        state.entries.add(
            incident,
            KIND,
            lambda: f"alert #{alert.id} joined: {summary}",
            actor,
            at,
            lambda: {"alert_id": alert.id, "fingerprint": alert.fingerprint},
        )
        return
    if tally.rollup is None:
        tally.rollup = Rollup(start=at, first_alert=alert, actor=actor)
    rollup = tally.rollup
    rollup.count += 1
    rollup.last_alert = alert
    rollup.last_summary = summary


def write(session: Session, state: State) -> None:
    """Store the rollups: new ones join the batch's entries, stored ones are updated."""
    changed = []
    for incident, tally in state.tallies.items():
        rollup = tally.rollup
        if rollup is None or rollup.last_alert is None:
            continue
        if rollup.entry_id is None:
            actor = rollup.actor or Actor(None, "alerts")
            state.entries.add(incident, KIND, rollup.summary, actor, rollup.start, rollup.data)
        else:
            changed.append(
                {"entry_id": rollup.entry_id, "summary": rollup.summary(), "data": rollup.data()}
            )
    if changed:
        table = TimelineEntry.table()
        session.execute(update(table).where(table.c.id == bindparam("entry_id")), changed)


def _id(alert: AlertRow | int | None) -> int | None:
    if alert is None or isinstance(alert, int):
        return alert
    return alert.id
