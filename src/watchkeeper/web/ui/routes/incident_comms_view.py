"""What the incident page shows of communication: stakeholders, the updates sent, when
the next is due, and where the incident can be published as a status page draft."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.catalog.teams.models import Team
from watchkeeper.incidents.models import Incident
from watchkeeper.response.stakeholders import cadence
from watchkeeper.response.stakeholders import service as stakeholders
from watchkeeper.response.statuspage import service as pages
from watchkeeper.response.statuspage.models import PublicIncident


def due_text(minutes: int | None) -> str:
    """ "next update due in 12 min" (or how late it is)."""
    if minutes is None:
        return ""
    if minutes < 0:
        return f"stakeholder update overdue by {-minutes} min"
    return f"next update due in {minutes} min"


def incident_context(
    session: Session, incident_id: int, *, now: datetime, minutes: Mapping[int, int]
) -> dict[str, Any]:
    incident = session.get(Incident, incident_id)
    if incident is None:
        return {}
    due = cadence.of(session, incident=incident, minutes=minutes, now=now)
    public = session.scalars(
        select(PublicIncident)
        .where(PublicIncident.incident_id == incident_id)
        .order_by(PublicIncident.id)
    ).all()
    return {
        "stakeholders": stakeholders.list_(session, incident_id=incident_id),
        "stakeholder_updates": stakeholders.list_updates(session, incident_id=incident_id)[:5],
        "stakeholder_templates": stakeholders.list_templates(session),
        "all_teams": session.scalars(select(Team).order_by(Team.name)).all(),
        "cadence": due,
        "cadence_text": due_text(due.due_in_minutes),
        "status_pages": pages.list_pages(session),
        "public_incidents": public,
    }
