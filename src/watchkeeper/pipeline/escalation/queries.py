"""What still points at a team or a schedule, in words: a delete is refused while anything does.

Services, schedules and policies keep a team's id, and escalation levels keep team and
schedule ids inside their targets; a delete that went through would leave a service without
its owner and a level paging "team 4". This is the lowest layer that sees all of them.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.catalog.services.models import Service
from watchkeeper.oncall.schedules.models import Schedule
from watchkeeper.pipeline.escalation.models import EscalationLevel, EscalationPolicy


def users_of_team(session: Session, *, team_id: int) -> list[str]:
    """E.g. `["service Web (owner)", "escalation policy Primary (level 1)"]`."""
    found = [
        f"service {name} (owner)"
        for name in session.scalars(
            select(Service.name).where(Service.owner_team_id == team_id).order_by(Service.name)
        )
    ]
    found += [
        f"schedule {name} (owner)"
        for name in session.scalars(
            select(Schedule.name).where(Schedule.owner_team_id == team_id).order_by(Schedule.name)
        )
    ]
    found += [
        f"escalation policy {name} (team)"
        for name in session.scalars(
            select(EscalationPolicy.name)
            .where(EscalationPolicy.team_id == team_id)
            .order_by(EscalationPolicy.name)
        )
    ]
    return found + _levels_paging(session, "team", team_id)


def users_of_schedule(session: Session, *, schedule_id: int) -> list[str]:
    return _levels_paging(session, "schedule", schedule_id)


def _levels_paging(session: Session, kind: str, target_id: int) -> list[str]:
    """Levels whose targets name the team or schedule. Targets are JSON, so they are read
    and matched here; policies are few (an admin writes each by hand)."""
    rows = session.execute(
        select(EscalationPolicy.name, EscalationLevel.position, EscalationLevel.targets)
        .join(EscalationLevel, EscalationLevel.policy_id == EscalationPolicy.id)
        .order_by(EscalationPolicy.name, EscalationLevel.position)
    )
    return [
        f"escalation policy {name} (level {position + 1})"
        for name, position, targets in rows
        if any(t.get("type") == kind and t.get("id") == target_id for t in targets)
    ]
