"""The read side: an incident's similar past incidents and its suggested fields, as the
API and the page show them (details are read now, so they are never stale)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.catalog.categories.models import Category
from watchkeeper.catalog.users.models import User
from watchkeeper.core.priority import IMPACT_NAMES, URGENCY_NAMES
from watchkeeper.incidents import service as incidents
from watchkeeper.incidents.models import Incident
from watchkeeper.response.postmortems.models import Postmortem, PostmortemIncident
from watchkeeper.response.suggestions.models import IncidentSuggestion, SuggestionModel
from watchkeeper.response.suggestions.schemas import (
    GuessOut,
    SimilarIncidentOut,
    SimilarOut,
    State,
    SuggestionOut,
)


def _state(session: Session, found: IncidentSuggestion | None) -> State:
    if found is not None:
        return State.READY
    model = session.scalar(select(SuggestionModel.id).limit(1))
    return State.PENDING if model is not None else State.NO_MODEL


def similar(session: Session, *, incident_id: int) -> SimilarOut:
    incidents.get(session, incident_id=incident_id)
    found = session.get(IncidentSuggestion, incident_id)
    state = _state(session, found)
    if found is None or not found.similar:
        return SimilarOut(state=state, computed_at=found and found.computed_at, items=[])
    scores = {int(i): float(s) for i, s in found.similar}
    past = {
        i.id: i for i in session.scalars(select(Incident).where(Incident.id.in_(sorted(scores))))
    }
    postmortems = _postmortems(session, list(past))
    items = []
    for past_id, score in scores.items():
        other = past.get(past_id)
        if other is None:
            continue  # deleted since
        seconds = (
            int((other.resolved_at - other.created_at).total_seconds())
            if other.resolved_at
            else None
        )
        pm = postmortems.get(past_id)
        items.append(
            SimilarIncidentOut(
                id=other.id,
                title=other.title,
                score=score,
                status=other.status,
                service_id=other.service_id,
                resolution_code=other.resolution_code,
                resolution_notes=other.resolution_notes,
                created_at=other.created_at,
                resolved_at=other.resolved_at,
                resolved_in_seconds=seconds,
                postmortem_id=pm,
                postmortem_url=f"/postmortems/{pm}" if pm is not None else None,
            )
        )
    return SimilarOut(state=state, computed_at=found.computed_at, items=items)


def _postmortems(session: Session, incident_ids: list[int]) -> dict[int, int]:
    """The postmortem covering each incident: its own, or one it is part of."""
    if not incident_ids:
        return {}
    found: dict[int, int] = {}
    rows = session.execute(
        select(Postmortem.incident_id, Postmortem.id).where(
            Postmortem.incident_id.in_(incident_ids)
        )
    ).all()
    also = session.execute(
        select(PostmortemIncident.incident_id, PostmortemIncident.postmortem_id).where(
            PostmortemIncident.incident_id.in_(incident_ids)
        )
    ).all()
    for incident_id, postmortem_id in [*also, *rows]:
        found[incident_id] = postmortem_id
    return found


def suggestion(session: Session, *, incident_id: int) -> SuggestionOut:
    incidents.get(session, incident_id=incident_id)
    found = session.get(IncidentSuggestion, incident_id)
    state = _state(session, found)
    if found is None:
        return SuggestionOut(
            state=state,
            incident_id=incident_id,
            computed_at=None,
            category=None,
            impact=None,
            urgency=None,
            decision=None,
            decided_by_id=None,
            decided_by=None,
            decided_at=None,
            chosen={},
        )
    category = None
    if found.category_id is not None and found.category_confidence is not None:
        path = session.scalar(select(Category.path).where(Category.id == found.category_id))
        category = GuessOut(
            value=found.category_id, label=path or "", confidence=found.category_confidence
        )
    return SuggestionOut(
        state=state,
        incident_id=incident_id,
        computed_at=found.computed_at,
        category=category,
        impact=_guess(found.impact, found.impact_confidence, IMPACT_NAMES),
        urgency=_guess(found.urgency, found.urgency_confidence, URGENCY_NAMES),
        decision=found.decision,
        decided_by_id=found.decided_by_id,
        decided_by=session.scalar(select(User.login).where(User.id == found.decided_by_id))
        if found.decided_by_id is not None
        else None,
        decided_at=found.decided_at,
        chosen=dict(found.chosen or {}),
    )


def _guess(value: int | None, confidence: float | None, names: dict[int, str]) -> GuessOut | None:
    if value is None or confidence is None:
        return None
    return GuessOut(value=value, label=f"{value} ({names.get(value, '?')})", confidence=confidence)
