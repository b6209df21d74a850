"""What an incident's page shows of post-incident learning: its postmortem, and the
action items raised from it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from watchkeeper.incidents.models import Incident
from watchkeeper.response.postmortems.models import Postmortem, PostmortemIncident


def incident_context(session: Session, incident: Incident) -> dict[str, Any]:
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
    return {"postmortem": postmortem}
