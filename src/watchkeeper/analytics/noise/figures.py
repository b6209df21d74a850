"""Noise figures, as pure functions over alert rows and what became of their incidents.

An alert row is one firing episode of a fingerprint on a service: repeated triggers of an
open alert bump its `count`; a new row opens only after the previous one resolved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

NO_ACTION_CODES = frozenset({"no_fault_found", "cancelled"})


@dataclass(frozen=True, slots=True)
class AlertRow:
    id: int
    service_id: int
    service: str
    fingerprint: str
    alertname: str
    first_seen_at: datetime
    resolved_at: datetime | None
    count: int
    incident_id: int | None
    flapping: bool
    suppressed: bool
    labels: dict[str, str]


@dataclass(frozen=True, slots=True)
class IncidentOutcome:
    acknowledged: bool
    resolved: bool
    resolution_code: str | None
    pages: int


@dataclass
class NoiseFigures:
    key: tuple[int, str]
    service_id: int
    service: str
    name: str
    fingerprint: str | None
    last_alert_id: int = 0
    labels: dict[str, str] = field(default_factory=dict)
    alerts: int = 0
    events: int = 0
    incidents: int = 0
    pages: int = 0
    quick_resolved: int = 0
    never_acknowledged: int = 0
    flapping: int = 0
    suppressed: int = 0
    no_action: int = 0
    previous_alerts: int = 0
    _incidents: set[int] = field(default_factory=set, repr=False)


def quick(row: AlertRow, within: timedelta) -> bool:
    """Resolved by its source within `within` of first firing: gone before anyone could act."""
    return row.resolved_at is not None and row.resolved_at - row.first_seen_at < within


def never_acknowledged(outcome: IncidentOutcome) -> bool:
    """Its incident was resolved and nobody ever acknowledged it."""
    return outcome.resolved and not outcome.acknowledged


def no_action(outcome: IncidentOutcome) -> bool:
    return outcome.resolution_code in NO_ACTION_CODES


Key = Callable[[AlertRow], tuple[int, str]]


def by_fingerprint(row: AlertRow) -> tuple[int, str]:
    return (row.service_id, row.fingerprint)


def by_alertname(row: AlertRow) -> tuple[int, str]:
    return (row.service_id, row.alertname)


def tally(
    rows: Iterable[AlertRow],
    outcomes: dict[int, IncidentOutcome],
    *,
    key: Key,
    within: timedelta,
) -> dict[tuple[int, str], NoiseFigures]:
    groups: dict[tuple[int, str], NoiseFigures] = {}
    for row in rows:
        k = key(row)
        group = groups.get(k)
        if group is None:
            fingerprint = row.fingerprint if key is by_fingerprint else None
            group = NoiseFigures(k, row.service_id, row.service, row.alertname, fingerprint)
            groups[k] = group
        if row.id > group.last_alert_id:
            group.last_alert_id, group.labels = row.id, row.labels
        group.alerts += 1
        group.events += row.count
        group.quick_resolved += quick(row, within)
        group.flapping += row.flapping
        group.suppressed += row.suppressed
        outcome = outcomes.get(row.incident_id) if row.incident_id is not None else None
        if outcome is not None and row.incident_id not in group._incidents:
            group._incidents.add(row.incident_id)  # type: ignore[arg-type]
            group.incidents += 1
            group.pages += outcome.pages
            group.never_acknowledged += never_acknowledged(outcome)
            group.no_action += no_action(outcome)
    return groups


def ranked(groups: Iterable[NoiseFigures], limit: int) -> list[NoiseFigures]:
    """Noisiest first: most pages, then most firing episodes, then most events."""
    order = sorted(groups, key=lambda g: (-g.pages, -g.alerts, -g.events, g.service, g.name))
    return order[:limit]
