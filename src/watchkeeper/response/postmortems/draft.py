"""A postmortem's first draft, from what Watchkeeper already knows about the incident.

`gather` reads the record (a fixed number of queries, whatever the incident's size);
`durations` and `compose` are pure: the same facts give the same text, in any zone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from watchkeeper.catalog.services.models import Service, ServiceDependency
from watchkeeper.catalog.users.models import User
from watchkeeper.core.priority import label
from watchkeeper.incidents.models import Incident, TimelineEntry
from watchkeeper.pipeline.correlate.models import Alert
from watchkeeper.pipeline.correlate.queries import recent_changes
from watchkeeper.pipeline.escalation.models import Page
from watchkeeper.response.postmortems.schemas import (
    AlertFact,
    ChangeFact,
    Facts,
    Milestones,
    SlaOutcome,
    TimelineFact,
)

# What a draft timeline keeps besides starred entries: how the incident moved, who was
# woken, and what people wrote.
TIMELINE_KINDS = (
    "created",
    "acknowledged",
    "on_hold",
    "resumed",
    "resolved",
    "reopened",
    "closed",
    "paged",
    "escalation",
    "sla_breach",
    "note",
    "merged",
)
RESPONDING_KINDS = ("acknowledged", "resolved", "note", "on_hold", "resumed", "closed")
MAX_ALERTS = 50
MAX_ENTRIES = 500


def gather(session: Session, *, incident: Incident, also: Sequence[int] = ()) -> Facts:
    """The facts of `incident` (and of the incidents in `also`, merged or related)."""
    ids = [incident.id, *also]
    started = session.scalar(
        select(func.min(Alert.first_seen_at)).where(Alert.incident_id.in_(ids))
    )
    milestones = Milestones(
        started_at=min(started, incident.created_at) if started else incident.created_at,
        detected_at=incident.created_at,
        acknowledged_at=incident.acknowledged_at,
        resolved_at=incident.resolved_at,
        closed_at=incident.closed_at,
    )
    return Facts(
        incident_ids=ids,
        title=incident.title,
        priority=label(incident.priority),
        service=session.scalar(select(Service.name).where(Service.id == incident.service_id)) or "",
        dependents=_dependents(session, incident.service_id),
        milestones=milestones,
        sla=_sla(incident),
        paged=_logins(session, select(Page.user_id).where(Page.incident_id.in_(ids))),
        responders=_logins(
            session,
            select(TimelineEntry.actor_id).where(
                TimelineEntry.incident_id.in_(ids),
                TimelineEntry.kind.in_(RESPONDING_KINDS),
                TimelineEntry.actor_id.is_not(None),
            ),
        ),
        alerts=_alerts(session, ids),
        changes=[
            ChangeFact(occurred_at=row.occurred_at, summary=row.summary, source=row.source)
            for row in recent_changes(
                session,
                service_id=incident.service_id,
                start=milestones.started_at,
                end=milestones.started_at,
            )
        ],
        timeline=_timeline(session, ids),
    )


def _dependents(session: Session, service_id: int) -> list[str]:
    """Services that depend on the broken one: they may have broken too."""
    stmt = (
        select(Service.name)
        .join(ServiceDependency, ServiceDependency.service_id == Service.id)
        .where(ServiceDependency.depends_on_id == service_id)
        .order_by(Service.name)
    )
    return list(session.scalars(stmt))


def _sla(incident: Incident) -> list[SlaOutcome]:
    clocks = (
        ("acknowledge", incident.sla_ack, incident.ack_due_at, incident.acknowledged_at),
        ("resolve", incident.sla_resolve, incident.resolve_due_at, incident.resolved_at),
    )
    found = []
    for clock, state, due_at, at in clocks:
        margin = None if state == "pending" or at is None else int((due_at - at).total_seconds())
        found.append(SlaOutcome(clock=clock, state=state, due_at=due_at, margin_seconds=margin))
    return found


def _logins(session: Session, user_ids: object) -> list[str]:
    stmt = select(User.login).where(User.id.in_(user_ids)).order_by(User.login)  # type: ignore[arg-type]
    return list(session.scalars(stmt))


def _alerts(session: Session, ids: list[int]) -> list[AlertFact]:
    stmt = (
        select(Alert)
        .where(Alert.incident_id.in_(ids))
        .order_by(Alert.first_seen_at, Alert.id)
        .limit(MAX_ALERTS)
    )
    return [
        AlertFact(
            id=alert.id,
            summary=alert.summary,
            severity=alert.severity,
            fingerprint=alert.fingerprint,
            first_seen_at=alert.first_seen_at,
            count=alert.count,
        )
        for alert in session.scalars(stmt)
    ]


def _timeline(session: Session, ids: list[int]) -> list[TimelineFact]:
    stmt = (
        select(TimelineEntry)
        .where(
            TimelineEntry.incident_id.in_(ids),
            or_(TimelineEntry.starred.is_(True), TimelineEntry.kind.in_(TIMELINE_KINDS)),
        )
        .order_by(TimelineEntry.at, TimelineEntry.id)
        .limit(MAX_ENTRIES)
    )
    return [
        TimelineFact(
            id=entry.id,
            incident_id=entry.incident_id,
            at=entry.at,
            actor=entry.actor,
            kind=entry.kind,
            summary=entry.summary,
            starred=entry.starred,
        )
        for entry in session.scalars(stmt)
    ]


def durations(milestones: Milestones) -> list[tuple[str, timedelta | None]]:
    """The spans between the moments, on UTC instants: a DST change in anybody's zone
    neither adds nor removes an hour."""
    m = milestones
    end_of_impact = m.mitigated_at or m.resolved_at

    def between(start: datetime | None, end: datetime | None) -> timedelta | None:
        return end - start if start is not None and end is not None else None

    return [
        ("Time to detect", between(m.started_at, m.detected_at)),
        ("Time to acknowledge", between(m.detected_at, m.acknowledged_at)),
        ("Time to mitigate", between(m.detected_at, m.mitigated_at)),
        ("Time to resolve", between(m.detected_at, m.resolved_at)),
        ("Duration of impact", between(m.started_at, end_of_impact)),
    ]


def span(delta: timedelta | None) -> str:
    """`1 h 5 min`, `3 d 2 h`, `45 s`; a dash when unknown."""
    if delta is None:
        return "—"
    seconds = abs(int(delta.total_seconds()))
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min" if minutes else f"{seconds} s"


def when(value: datetime | None, zone: str) -> str:
    if value is None:
        return "—"
    return value.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %Z")


def compose(facts: Facts, *, sections: Sequence[str], zone: str) -> str:
    """The Markdown body: each template section, with what the record can fill in."""
    filled = {
        "summary": _summary(facts),
        "impact": _impact(facts),
        "timeline": timeline_markdown(facts, zone),
    }
    parts = []
    for section in sections:
        text = filled.get(section.strip().lower(), "")
        parts.append(f"## {section}\n\n{text}".rstrip() + "\n")
    return "\n".join(parts)


def _summary(facts: Facts) -> str:
    ids = ", ".join(f"#{number}" for number in facts.incident_ids)
    return f"{facts.priority} incident {ids} on {facts.service}: {facts.title}"


def _impact(facts: Facts) -> str:
    lines = [f"- Service: {facts.service}"]
    if facts.dependents:
        lines.append(f"- Depending on it: {', '.join(facts.dependents)}")
    lines.append(f"- Alerts: {len(facts.alerts)}")
    return "\n".join(lines)


def timeline_markdown(facts: Facts, zone: str) -> str:
    """One line per entry, starred ones marked; oldest first."""
    lines = []
    for entry in facts.timeline:
        star = "★ " if entry.starred else ""
        text = " ".join(entry.summary.split())
        lines.append(f"- {when(entry.at, zone)} — {star}{text} ({entry.actor})")
    return "\n".join(lines)
