"""What an incident's page shows of post-incident learning: recurrence warnings, known
errors' workarounds, its problems, its postmortem, the action items raised from it, and
the local model's similar incidents and suggestion."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from watchkeeper.incidents.lifecycle import OPEN
from watchkeeper.incidents.models import Incident
from watchkeeper.response.actions import queries
from watchkeeper.response.actions import service as actions
from watchkeeper.response.actions.queries import ActionFilter
from watchkeeper.response.postmortems.models import Postmortem, PostmortemIncident
from watchkeeper.response.problems import queries as problem_queries
from watchkeeper.response.problems.models import Problem
from watchkeeper.response.recurrence.models import RecurrenceCheck
from watchkeeper.response.suggestions import queries as suggestion_queries


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
    check = session.get(RecurrenceCheck, incident.id)
    return {
        "recurrence": check,
        "known_errors": known_errors_of(session, incident, check),
        "problems": problem_queries.for_incident(session, incident_id=incident.id),
        "postmortem": postmortem,
        "action_items": queries.list_(
            session, where=ActionFilter(incident_id=incident.id), today=today
        ),
        "similar": suggestion_queries.similar(session, incident_id=incident.id),
        "suggestion": suggestion_queries.suggestion(session, incident_id=incident.id),
    }


def known_errors_of(
    session: Session, incident: Incident, check: RecurrenceCheck | None
) -> list[Problem]:
    """The known errors an open incident shows the workaround of: those it is linked to,
    and the one its recurrence check matched."""
    if incident.status not in OPEN:
        return []
    ids = {problem.id for problem in problem_queries.for_incident(session, incident_id=incident.id)}
    if check is not None and check.problem_id is not None:
        ids.add(check.problem_id)
    if not ids:
        return []
    stmt = select(Problem).where(Problem.id.in_(sorted(ids)), Problem.status == "known_error")
    return list(session.scalars(stmt.order_by(Problem.id)))
