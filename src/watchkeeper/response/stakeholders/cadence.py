"""When an incident's next stakeholder update is due: pure, from its priority, when it
opened and its last update."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from watchkeeper.incidents.lifecycle import Status
from watchkeeper.incidents.models import Incident
from watchkeeper.response.stakeholders.models import StakeholderUpdate
from watchkeeper.response.stakeholders.schemas import CadenceOut

DEFAULT = {1: 30, 2: 60}
OPEN = (Status.TRIGGERED.value, Status.ACKNOWLEDGED.value, Status.ON_HOLD.value)


@dataclass(frozen=True)
class Due:
    every: timedelta
    last_update_at: datetime | None
    at: datetime


def due(
    *,
    priority: int,
    status: str,
    opened_at: datetime,
    last_update_at: datetime | None,
    minutes: Mapping[int, int],
) -> Due | None:
    """None when the incident has no cadence (its priority has none, or it is over)."""
    every = minutes.get(priority)
    if not every or status not in OPEN:
        return None
    step = timedelta(minutes=every)
    return Due(every=step, last_update_at=last_update_at, at=(last_update_at or opened_at) + step)


def reminded(incident: Incident) -> int | None:
    """Who is reminded: the communications lead, or the commander when there is none."""
    return incident.communications_lead_id or incident.commander_id


def last_updates(session: Session, incident_ids: list[int]) -> dict[int, datetime]:
    if not incident_ids:
        return {}
    rows = session.execute(
        select(StakeholderUpdate.incident_id, func.max(StakeholderUpdate.sent_at))
        .where(StakeholderUpdate.incident_id.in_(incident_ids))
        .group_by(StakeholderUpdate.incident_id)
    ).all()
    return {incident_id: at for incident_id, at in rows}  # noqa: C416 (rows are Row tuples)


def of(
    session: Session, *, incident: Incident, minutes: Mapping[int, int], now: datetime
) -> CadenceOut:
    last = last_updates(session, [incident.id]).get(incident.id)
    found = due(
        priority=incident.priority,
        status=incident.status,
        opened_at=incident.created_at,
        last_update_at=last,
        minutes=minutes,
    )
    if found is None:
        return CadenceOut(
            every_minutes=None,
            last_update_at=last,
            next_due_at=None,
            due_in_minutes=None,
            reminds_user_id=None,
        )
    left = (found.at - now).total_seconds() / 60
    return CadenceOut(
        every_minutes=int(found.every.total_seconds() // 60),
        last_update_at=last,
        next_due_at=found.at,
        due_in_minutes=int(left) if left >= 0 else -int(-left + 0.999),
        reminds_user_id=reminded(incident),
    )
