"""A new incident as plain values, and the SLA arithmetic every lifecycle move shares.

The engine opens incidents by the hundred: it builds `IncidentRow`s (plain dataclasses,
cheap to make) and inserts them in one statement, where the ORM would cost far more per
incident. `IncidentState` names the fields a lifecycle move reads and writes, so the same
functions move a loaded `Incident` and a row still being built.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from watchkeeper.core.alert_priority import DEFAULT_SEVERITY_MAP, SeverityDefault
from watchkeeper.core.priority import derive, label, parse_label
from watchkeeper.incidents.lifecycle import Status
from watchkeeper.incidents.schemas import IncidentCreate, Source
from watchkeeper.incidents.sla import ClockState, deadlines
from watchkeeper.incidents.timeline import Actor, Journal


@dataclass(frozen=True)
class Policy:
    """The priority matrix, the SLA targets per priority and what alert severities give,
    read once for many incidents."""

    matrix: dict[tuple[int, int], int]
    targets: dict[int, tuple[timedelta, timedelta]]
    severities: dict[str, SeverityDefault] = field(
        default_factory=lambda: dict(DEFAULT_SEVERITY_MAP)
    )


class IncidentState(Protocol):
    """What lifecycle moves and SLA clocks read and write of an incident."""

    id: int
    service_id: int
    group_key: str | None
    status: str
    priority: int
    created_at: datetime
    updated_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    ack_due_at: datetime
    ack_warn_at: datetime
    resolve_due_at: datetime
    resolve_warn_at: datetime
    paused_seconds: int
    paused_since: datetime | None
    sla_ack: str
    sla_resolve: str
    sla_ack_warned: bool
    sla_resolve_warned: bool
    sla_next_at: datetime | None


@dataclass(eq=False, slots=True)
class IncidentRow:
    """Every column of a new incident; `id` is 0 until a number is reserved for it."""

    title: str
    description: str
    service_id: int
    category_id: int | None
    impact: int
    urgency: int
    priority: int
    priority_overridden: bool
    source: str
    tags: list[str]
    customer_impact: str
    assignee_id: int | None
    created_by_id: int | None
    created_at: datetime
    ack_due_at: datetime
    ack_warn_at: datetime
    resolve_due_at: datetime
    resolve_warn_at: datetime
    id: int = 0
    status: str = Status.TRIGGERED.value
    updated_at: datetime = field(init=False)
    acknowledged_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None
    commander_id: int | None = None
    communications_lead_id: int | None = None
    scribe_id: int | None = None
    paused_seconds: int = 0
    paused_since: datetime | None = None
    sla_ack: str = ClockState.PENDING.value
    sla_resolve: str = ClockState.PENDING.value
    sla_ack_warned: bool = False
    sla_resolve_warned: bool = False
    sla_next_at: datetime | None = None
    resolution_code: str | None = None
    resolution_notes: str = ""
    root_cause: str = ""
    merged_into_id: int | None = None
    reopened_count: int = 0
    group_key: str | None = None
    priority_basis: str = ""

    def __post_init__(self) -> None:
        self.updated_at = self.created_at

    def columns(self) -> dict[str, Any]:
        """The row as the incidents table takes it."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


def new_incident(
    data: IncidentCreate,
    *,
    actor: Actor,
    now: datetime,
    source: Source,
    rules: Policy,
    journal: Journal,
    basis: str = "",
) -> IncidentRow:
    """A new incident, not yet numbered, prioritised and with its SLA clocks running; its
    "created" entry goes to `journal` (rendered once it has a number). References in
    `data` (service, category, assignee) are the caller's to check. `basis` says why it
    got its priority (for an alert's incident: which severity, service and rules)."""
    derived = derive(data.impact, data.urgency, rules.matrix)
    priority = parse_label(data.priority) if data.priority else derived
    ack_target, resolve_target = rules.targets[priority]
    ack, resolve = deadlines(now, ack_target), deadlines(now, resolve_target)
    row = IncidentRow(
        title=data.title,
        description=data.description,
        service_id=data.service_id,
        category_id=data.category_id,
        impact=data.impact,
        urgency=data.urgency,
        priority=priority,
        priority_overridden=data.priority is not None,
        source=source.value,
        tags=sorted(set(data.tags)),
        customer_impact=data.customer_impact,
        assignee_id=data.assignee_id,
        created_by_id=actor.user_id,
        created_at=now,
        ack_due_at=ack.due_at,
        ack_warn_at=ack.warn_at,
        resolve_due_at=resolve.due_at,
        resolve_warn_at=resolve.warn_at,
        priority_basis="" if data.priority else basis[:255],
    )
    schedule_sla(row)
    journal.add(
        row,
        "created",
        lambda: f"{actor.name} declared #{row.id} ({label(priority)}): {data.title}",
        actor,
        now,
        {
            "priority": label(priority),
            "impact": data.impact,
            "urgency": data.urgency,
            "service_id": data.service_id,
            "source": source.value,
        },
    )
    return row


def schedule_sla(incident: IncidentState) -> None:
    """Set when the SLA engine module must next look at this incident (None: never).

    The acknowledge clock runs while the incident is triggered; the resolve clock while it
    is triggered or acknowledged (not on hold, not resolved).
    """
    events: list[datetime] = []
    if incident.status == Status.TRIGGERED and incident.sla_ack == ClockState.PENDING:
        events.append(incident.ack_due_at if incident.sla_ack_warned else incident.ack_warn_at)
    running = incident.status in (Status.TRIGGERED, Status.ACKNOWLEDGED)
    if running and incident.sla_resolve == ClockState.PENDING and incident.paused_since is None:
        events.append(
            incident.resolve_due_at if incident.sla_resolve_warned else incident.resolve_warn_at
        )
    incident.sla_next_at = min(events) if events else None


def set_deadlines(incident: IncidentState, rules: Policy) -> None:
    """(Re)compute the due and warning times of clocks still running, from the targets of
    the incident's current priority and the time its resolve clock was paused."""
    ack_target, resolve_target = rules.targets[incident.priority]
    if incident.sla_ack == ClockState.PENDING:
        ack = deadlines(incident.created_at, ack_target)
        incident.ack_due_at, incident.ack_warn_at = ack.due_at, ack.warn_at
    if incident.sla_resolve == ClockState.PENDING:
        paused = timedelta(seconds=incident.paused_seconds or 0)
        resolve = deadlines(incident.created_at, resolve_target, paused)
        incident.resolve_due_at, incident.resolve_warn_at = resolve.due_at, resolve.warn_at
    schedule_sla(incident)
