"""Turn incident rows into API shapes: priority labels, SLA clocks, allowed actions."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Query

from watchkeeper.core.errors import FieldError, Invalid
from watchkeeper.core.ids import Id
from watchkeeper.core.priority import label, parse_label
from watchkeeper.incidents.lifecycle import Status, allowed_actions
from watchkeeper.incidents.models import Incident
from watchkeeper.incidents.queries import IncidentFilter
from watchkeeper.incidents.record import Policy
from watchkeeper.incidents.schemas import ClockOut, IncidentOut, SlaOut
from watchkeeper.incidents.sla import ClockState, view

_FIELDS = (
    "title",
    "description",
    "service_id",
    "category_id",
    "impact",
    "urgency",
    "priority_overridden",
    "priority_basis",
    "status",
    "source",
    "tags",
    "customer_impact",
    "assignee_id",
    "commander_id",
    "communications_lead_id",
    "scribe_id",
    "created_by_id",
    "created_at",
    "updated_at",
    "acknowledged_at",
    "resolved_at",
    "closed_at",
    "resolution_code",
    "resolution_notes",
    "root_cause",
    "merged_into_id",
    "reopened_count",
)


def _clock(
    target: timedelta, due_at: datetime, state: str, paused: datetime | None, now: datetime
) -> ClockOut:
    seen = view(target=target, due_at=due_at, state=ClockState(state), paused_since=paused, now=now)
    return ClockOut(
        target_minutes=int(target.total_seconds() // 60),
        due_at=due_at,
        state=seen.state.value,
        paused=seen.paused,
        seconds_left=int(seen.left.total_seconds()) if seen.left is not None else None,
    )


def sla_out(incident: Incident, rules: Policy, now: datetime) -> SlaOut:
    """The clocks as stored: targets are read back from the due times, so a later change of
    the SLA policy (which open incidents do not follow) cannot make them disagree."""
    del rules
    ack_target = incident.ack_due_at - incident.created_at
    resolve_target = (
        incident.resolve_due_at - incident.created_at - timedelta(seconds=incident.paused_seconds)
    )
    resolve_paused = incident.paused_since
    return SlaOut(
        acknowledge=_clock(ack_target, incident.ack_due_at, incident.sla_ack, None, now),
        resolve=_clock(
            resolve_target, incident.resolve_due_at, incident.sla_resolve, resolve_paused, now
        ),
    )


def incident_out(incident: Incident, rules: Policy, now: datetime) -> IncidentOut:
    return IncidentOut(
        id=incident.id,
        number=incident.id,
        priority=label(incident.priority),
        sla=sla_out(incident, rules, now),
        allowed_actions=[action.value for action in allowed_actions(Status(incident.status))],
        **{name: getattr(incident, name) for name in _FIELDS},
    )


def incident_filter(
    status: Annotated[list[Status] | None, Query(description="Repeat for several")] = None,
    priority: Annotated[list[str] | None, Query(description="P1..P5; repeat for several")] = None,
    service_id: Id | None = None,
    team_id: Annotated[Id | None, Query(description="Incidents of services this team owns")] = None,
    assignee_id: Id | None = None,
    category_id: Annotated[
        Id | None, Query(description="A top-level category includes its children")
    ] = None,
    created_after: Annotated[datetime | None, Query(description="RFC 3339, inclusive")] = None,
    created_before: Annotated[datetime | None, Query(description="RFC 3339, exclusive")] = None,
    q: Annotated[
        str | None,
        Query(max_length=200, description="Words in the title or description (prefixes match)"),
    ] = None,
) -> IncidentFilter:
    try:
        priorities = [parse_label(value) for value in priority or []]
    except ValueError as exc:
        raise Invalid(str(exc), errors=[FieldError("query.priority", "use P1..P5")]) from exc
    for name, value in (("created_after", created_after), ("created_before", created_before)):
        if value is not None and value.tzinfo is None:
            raise Invalid(
                f"{name} needs a time zone", errors=[FieldError(f"query.{name}", "add Z or +hh:mm")]
            )
    return IncidentFilter(
        status=[s.value for s in status or []],
        priority=priorities,
        service_id=service_id,
        team_id=team_id,
        assignee_id=assignee_id,
        category_id=category_id,
        created_after=created_after,
        created_before=created_before,
        q=q,
    )
