"""What an incident's page shows of post-incident learning: its postmortem, and the
action items raised from it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from watchkeeper.incidents.models import Incident
from watchkeeper.response.actions import queries
from watchkeeper.response.actions import service as actions
from watchkeeper.response.actions.queries import ActionFilter
from watchkeeper.response.postmortems.models import Postmortem, PostmortemIncident


def incident_context(
    session: Session, incident: Incident, *, now: datetime, zone: str
) -> dict[str, Any]:
    postmortem = session.scalar(
        select(Postmortem).where(
            or_(
                Postmortem.incident_id == incident.id,
                Postmortem.id.in_(
                    select(PostmortemIncident.postmortem_id).where(
                        PostmortemIncident.incident_id == incident.id
                    )
                ),
            )
        )
    )
    today = actions.today(now, zone)
    return {
        "postmortem": postmortem,
        "action_items": queries.list_(
            session, where=ActionFilter(incident_id=incident.id), today=today
        ),
    }
