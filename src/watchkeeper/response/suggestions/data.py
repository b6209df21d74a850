"""Reading incidents as the model sees them: each one query, bounded."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from watchkeeper.catalog.services.models import Service
from watchkeeper.incidents.lifecycle import OPEN, Status
from watchkeeper.incidents.models import Incident
from watchkeeper.pipeline.correlate.models import Alert
from watchkeeper.response.suggestions.learn import Example
from watchkeeper.response.suggestions.models import IncidentSuggestion
from watchkeeper.response.suggestions.text import MAX_ALERTS, document

DONE = (Status.RESOLVED.value, Status.CLOSED.value)
CONFIRMED = ("accepted", "corrected")
# A person's accepted or corrected values count this much more than a label nobody
# looked at twice.
CONFIRMED_WEIGHT = 3.0
Alerts = dict[int, list[tuple[str, dict[str, str]]]]


Cursor = tuple[datetime, int]


def examples(
    session: Session, *, limit: int, after: Cursor | None = None
) -> tuple[list[Example], Cursor | None]:
    """A page of the team's resolved and closed incidents, most recently resolved first
    (the index takes the head), labelled with their category, impact and urgency; and
    where the next page starts (None: this was the last)."""
    older = (
        or_(
            Incident.resolved_at < after[0],
            and_(Incident.resolved_at == after[0], Incident.id < after[1]),
        )
        if after is not None
        else Incident.id.is_not(None)
    )
    rows = session.execute(
        select(
            Incident.id,
            Incident.title,
            Incident.description,
            Incident.resolution_notes,
            Incident.root_cause,
            Incident.category_id,
            Incident.impact,
            Incident.urgency,
            Incident.merged_into_id,
            Incident.resolved_at,
            Service.name,
        )
        .join(Service, Service.id == Incident.service_id)
        .where(Incident.status.in_(DONE), Incident.resolved_at.is_not(None), older)
        .order_by(Incident.resolved_at.desc(), Incident.id.desc())
        .limit(limit)
    ).all()
    alerts = alerts_of(session, [row.id for row in rows])
    confirmed = set(
        session.scalars(
            select(IncidentSuggestion.incident_id).where(
                IncidentSuggestion.decision.in_(CONFIRMED),
                IncidentSuggestion.incident_id.in_([row.id for row in rows]),
            )
        )
    )
    cursor = (rows[-1].resolved_at, rows[-1].id) if len(rows) == limit else None
    return [
        Example(
            id=row.id,
            text=document(
                title=row.title,
                description=row.description,
                service=row.name,
                alerts=alerts.get(row.id, ()),
                resolution_notes=row.resolution_notes,
                root_cause=row.root_cause,
            ),
            labels={"category_id": row.category_id, "impact": row.impact, "urgency": row.urgency},
            # A duplicate merged into another is not a past incident worth showing.
            searchable=row.merged_into_id is None,
            weight=CONFIRMED_WEIGHT if row.id in confirmed else 1.0,
        )
        for row in rows
    ], cursor


@dataclass(frozen=True)
class Snapshot:
    """What the model's data looks like now: when it last changed, and a key that
    differs whenever an incident was resolved or a person decided since."""

    until: datetime | None
    key: str


def snapshot(session: Session) -> Snapshot:
    resolved, done = session.execute(
        select(func.max(Incident.resolved_at), func.count()).where(Incident.status.in_(DONE))
    ).one()
    decided, confirmed = session.execute(
        select(func.max(IncidentSuggestion.decided_at), func.count()).where(
            IncidentSuggestion.decision.in_(CONFIRMED)
        )
    ).one()
    found = [t for t in (resolved, decided) if t is not None]
    until = max(found) if found else None
    stamp = until.isoformat() if until else "-"
    return Snapshot(until, f"{stamp}/{done}/{confirmed}")


def pending(
    session: Session, *, fresh_since: datetime, open_since: datetime, limit: int
) -> list[Incident]:
    """Incidents with no suggestion yet, oldest first: any opened since `fresh_since`
    (one resolved at once still shows what was like it), and open ones opened since
    `open_since`. Two queries, each walking an index on `created_at` (by itself, and
    after `status`), rather than one whose OR would read the whole table every run."""
    done = select(IncidentSuggestion.incident_id).where(
        IncidentSuggestion.incident_id == Incident.id
    )
    wanted = (Incident.merged_into_id.is_(None), ~done.exists())
    order = (Incident.created_at, Incident.id)
    fresh = session.scalars(
        select(Incident)
        .where(Incident.created_at >= fresh_since, *wanted)
        .order_by(*order)
        .limit(limit)
    ).all()
    still_open = session.scalars(
        select(Incident)
        .where(
            Incident.status.in_(sorted(OPEN)),
            Incident.created_at >= open_since,
            Incident.created_at < fresh_since,
            *wanted,
        )
        .order_by(*order)
        .limit(limit)
    ).all()
    return [*still_open, *fresh][:limit]


def texts(session: Session, incidents: Sequence[Incident]) -> dict[int, str]:
    """The text of incidents about to be suggested for (no resolution yet, usually)."""
    rows = session.execute(
        select(Service.id, Service.name).where(
            Service.id.in_(sorted({i.service_id for i in incidents}))
        )
    ).all()
    names: dict[int, str] = {int(r[0]): str(r[1]) for r in rows}
    alerts = alerts_of(session, [i.id for i in incidents])
    return {
        i.id: document(
            title=i.title,
            description=i.description,
            service=names.get(i.service_id, ""),
            alerts=alerts.get(i.id, ()),
            resolution_notes=i.resolution_notes,
            root_cause=i.root_cause,
        )
        for i in incidents
    }


def alerts_of(session: Session, incident_ids: Sequence[int]) -> Alerts:
    """Summaries and labels of the incidents' alerts, at most MAX_ALERTS each. The ids
    go in chunks so a 100,000-incident history stays under the drivers' parameter caps."""
    found: Alerts = defaultdict(list)
    ids = sorted(incident_ids)
    for start in range(0, len(ids), 10_000):
        chunk = ids[start : start + 10_000]
        rows = session.execute(
            select(Alert.incident_id, Alert.summary, Alert.labels)
            .where(Alert.incident_id.in_(chunk))
            .order_by(Alert.incident_id, Alert.id)
        ).all()
        for incident_id, summary, labels in rows:
            if incident_id is not None and len(found[incident_id]) < MAX_ALERTS:
                found[incident_id].append((summary or "", dict(labels or {})))
    return found
