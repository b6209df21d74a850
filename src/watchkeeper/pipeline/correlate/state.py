"""What one correlation batch reads before it decides: a handful of queries for the whole
batch (open alerts, flap histories, the incidents it may join or move, how many open
alerts those have), kept in memory while the batch is decided event by event."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from watchkeeper.incidents.lifecycle import OPEN
from watchkeeper.incidents.models import Incident
from watchkeeper.incidents.record import IncidentRow, IncidentState
from watchkeeper.incidents.timeline import Actor, Entries
from watchkeeper.pipeline.correlate import joins
from watchkeeper.pipeline.correlate.context import Context
from watchkeeper.pipeline.correlate.inhibit import Sources
from watchkeeper.pipeline.correlate.models import OPEN_ALERT, Alert, FlapHistory
from watchkeeper.pipeline.correlate.noise.evaluate import Decision, Flaps
from watchkeeper.pipeline.correlate.pending import Pending
from watchkeeper.pipeline.ingest.events import Action, NormalizedEvent

Key = tuple[int, str]  # (service, fingerprint): an alert's identity while it is open
# Why an alert never paged; a function when it names an alert that has no id yet.
Reason = str | Callable[[], str]
MAX_INHIBITION_SOURCES = 5000
_OPEN_STATUSES = [status.value for status in OPEN]


@dataclass(eq=False, slots=True)
class AlertRow:
    """An alert as the batch sees it: loaded, or new (no id until it is inserted)."""

    service_id: int
    integration_id: int | None
    fingerprint: str
    status: str
    summary: str
    severity: str
    source: str
    labels: dict[str, str]
    details: dict[str, Any]
    links: list[dict[str, str]]
    first_seen_at: datetime
    last_seen_at: datetime
    count: int
    flapping: bool
    last_event_id: int | None
    id: int | None = None
    resolved_at: datetime | None = None
    incident_id: int | None = None
    incident: IncidentState | None = None  # set when this batch attached it
    suppressed_reason: Reason | None = None
    changed: bool = False

    @property
    def key(self) -> Key:
        return (self.service_id, self.fingerprint)


@dataclass(frozen=True, slots=True)
class Routed:
    """A pending event, parsed and routed: what every decision about it starts from."""

    event: Pending
    body: NormalizedEvent
    labels: dict[str, str]
    decision: Decision
    service_id: int  # where the routing rules sent it
    actor: Actor

    @property
    def key(self) -> Key:
        return (self.service_id, self.event.fingerprint)


@dataclass
class State:
    """The batch's view of the database, changed in memory as events are decided."""

    open_alerts: dict[Key, AlertRow]
    flaps: dict[Key, Flaps]
    incidents: dict[int, Incident]  # loaded (locked on PostgreSQL), by id
    groups: dict[tuple[int, str], list[IncidentState]]  # a group's open incidents, oldest first
    open_counts: dict[IncidentState, int]  # open alerts of each incident it may resolve
    sources: Sources | None  # inhibition sources, when there are inhibition rules
    new_alerts: list[AlertRow] = field(default_factory=list)
    new_incidents: list[IncidentRow] = field(default_factory=list)
    touched_flaps: set[Key] = field(default_factory=set)
    entries: Entries = field(default_factory=Entries)
    tallies: dict[IncidentState, joins.Tally] = field(default_factory=dict)
    loaded_alerts: list[AlertRow] = field(default_factory=list)

    def incident_of(self, alert: AlertRow) -> IncidentState | None:
        if alert.incident is not None:
            return alert.incident
        return self.incidents.get(alert.incident_id) if alert.incident_id else None


def load(session: Session, batch: Sequence[Routed], ctx: Context, now: datetime) -> State:
    """Read, in a bounded number of queries, everything `batch` may look at or change."""
    live = [routed for routed in batch if not routed.decision.drop]
    keys = {routed.key for routed in live}
    moving = {r.key for r in live if r.body.action is not Action.TRIGGER}
    alerts = _open_alerts(session, keys)
    incidents = _incidents(
        session,
        ids={a.incident_id for a in alerts.values() if a.key in moving and a.incident_id},
        groups=_group_keys(session, live, ctx),
    )
    groups: dict[tuple[int, str], list[IncidentState]] = {}
    for incident in sorted(incidents.values(), key=lambda i: i.id):
        if incident.group_key is not None and incident.status in _OPEN_STATUSES:
            groups.setdefault((incident.service_id, incident.group_key), []).append(incident)
    counts = _open_counts(session, incidents.values()) if moving else {}
    candidates = {i.id: i for group in groups.values() for i in group}
    tallies = joins.recent(session, candidates, now)
    return State(
        open_alerts=dict(alerts),
        flaps=_flaps(session, {r.key for r in live if r.body.action is not Action.ACKNOWLEDGE}),
        incidents=incidents,
        groups=groups,
        open_counts=counts,
        sources=_sources(session, ctx, alerts) if ctx.inhibitions else None,
        loaded_alerts=list(alerts.values()),
        tallies={candidates[incident_id]: tally for incident_id, tally in tallies.items()},
    )


def _in_pairs(column_a: Any, column_b: Any, keys: Iterable[tuple[Any, Any]]) -> list[Any]:
    """`a IN (...) AND b IN (...)`: what both databases' indexes on (a, b) serve well; the
    caller drops the pairs the cross product adds."""
    pairs = list(keys)
    return [
        column_a.in_(sorted({a for a, _ in pairs})),
        column_b.in_(sorted({b for _, b in pairs})),
    ]


_ALERT_COLUMNS = (
    Alert.service_id,
    Alert.integration_id,
    Alert.fingerprint,
    Alert.status,
    Alert.summary,
    Alert.severity,
    Alert.source,
    Alert.labels,
    Alert.details,
    Alert.links,
    Alert.first_seen_at,
    Alert.last_seen_at,
    Alert.count,
    Alert.flapping,
    Alert.last_event_id,
    Alert.id,
    Alert.resolved_at,
    Alert.incident_id,
    Alert.suppressed_reason,
)


def _open_alerts(session: Session, keys: set[Key]) -> dict[Key, AlertRow]:
    if not keys:
        return {}
    # `status != 'resolved'` is the predicate of the partial unique index, so it is used.
    stmt = select(*_ALERT_COLUMNS).where(
        Alert.status != "resolved", *_in_pairs(Alert.service_id, Alert.fingerprint, keys)
    )
    found = (AlertRow(**row._mapping) for row in session.execute(stmt))
    return {alert.key: alert for alert in found if alert.key in keys}


def _group_keys(session: Session, batch: Sequence[Routed], ctx: Context) -> set[tuple[int, str]]:
    groups = set()
    for routed in batch:
        if routed.body.action is Action.TRIGGER:
            service = ctx.service(session, routed.service_id)
            if service.group_by:
                groups.add((service.id, group_key(service.group_by, routed.labels)))
    return groups


def group_key(group_by: Sequence[str], labels: dict[str, str]) -> str:
    return "|".join(f"{name}={labels.get(name, '')}" for name in group_by)[:255]


def _incidents(
    session: Session, *, ids: set[int], groups: set[tuple[int, str]]
) -> dict[int, Incident]:
    """The incidents the batch may move (by id) or join (open ones of its groups), locked
    on PostgreSQL so a person acknowledging one meanwhile waits for this batch."""
    found: dict[int, Incident] = {}
    queries = []
    if ids:
        queries.append(select(Incident).where(Incident.id.in_(sorted(ids))))
    if groups:
        queries.append(
            select(Incident).where(
                Incident.status.in_(_OPEN_STATUSES),
                *_in_pairs(Incident.service_id, Incident.group_key, groups),
            )
        )
    locking = session.get_bind().dialect.name == "postgresql"
    for stmt in queries:
        stmt = stmt.order_by(Incident.id)
        for incident in session.scalars(stmt.with_for_update() if locking else stmt):
            if incident.id in ids or (incident.service_id, incident.group_key) in groups:
                found[incident.id] = incident
    return found


def _open_counts(session: Session, incidents: Iterable[Incident]) -> dict[IncidentState, int]:
    by_id = {incident.id: incident for incident in incidents}
    if not by_id:
        return {}
    rows = session.execute(
        select(Alert.incident_id, func.count())
        .where(Alert.incident_id.in_(sorted(by_id)), Alert.status.in_(OPEN_ALERT))
        .group_by(Alert.incident_id)
    )
    counts: dict[IncidentState, int] = dict.fromkeys(by_id.values(), 0)
    for incident_id, count in rows:
        if incident_id is not None:
            counts[by_id[incident_id]] = int(count)
    return counts


def _flaps(session: Session, keys: set[Key]) -> dict[Key, Flaps]:
    if not keys:
        return {}
    stmt = select(
        FlapHistory.service_id,
        FlapHistory.fingerprint,
        FlapHistory.changes,
        FlapHistory.flapping_since,
    ).where(*_in_pairs(FlapHistory.service_id, FlapHistory.fingerprint, keys))
    found = {}
    for service_id, fingerprint, changes, since in session.execute(stmt):
        if (service_id, fingerprint) in keys:
            moments = [datetime.fromisoformat(moment) for moment in changes]
            found[(service_id, fingerprint)] = Flaps(changes=moments, flapping_since=since)
    return found


def _sources(session: Session, ctx: Context, alerts: dict[Key, AlertRow]) -> Sources:
    """Open alerts that page, as inhibition sources; the batch's own alerts are the same
    objects, so what the batch does to them counts at once."""
    stmt = (
        select(*_ALERT_COLUMNS)
        .where(Alert.status != "resolved", Alert.suppressed_reason.is_(None))
        .order_by(Alert.id)
        .limit(MAX_INHIBITION_SOURCES)
    )
    sources = Sources(ctx)
    for row in session.execute(stmt):
        loaded = AlertRow(**row._mapping)
        sources.add(alerts.get(loaded.key, loaded))
    return sources
