"""Use cases: accept a suggestion, correct it, or let the engine apply it above the
admin's threshold. Each records what was chosen; the next training learns from it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from watchkeeper.catalog.categories.models import Category
from watchkeeper.core.priority import IMPACT_NAMES, URGENCY_NAMES
from watchkeeper.incidents import service as incidents
from watchkeeper.incidents.models import Incident
from watchkeeper.incidents.schemas import IncidentUpdate
from watchkeeper.incidents.timeline import ENGINE, Actor, record
from watchkeeper.response.suggestions import errors
from watchkeeper.response.suggestions.learn import FIELDS, Guess
from watchkeeper.response.suggestions.models import IncidentSuggestion
from watchkeeper.response.suggestions.schemas import CorrectIn


def accept(
    session: Session,
    *,
    incident_id: int,
    fields: Sequence[str] | None,
    actor: Actor,
    now: datetime,
) -> IncidentSuggestion:
    """Set the suggested values (all of them, or `fields`) on the incident."""
    suggestion = _suggestion(session, incident_id)
    offered = {f: getattr(suggestion, f) for f in FIELDS if getattr(suggestion, f) is not None}
    wanted = list(dict.fromkeys(fields)) if fields else list(offered)
    missing = [f for f in wanted if f not in offered]
    if missing or not wanted:
        raise errors.nothing_to_accept(incident_id, missing or list(FIELDS))
    values = {f: offered[f] for f in wanted}
    _set(session, suggestion, values, "accepted", actor, now)
    return suggestion


def correct(
    session: Session, *, incident_id: int, data: CorrectIn, actor: Actor, now: datetime
) -> IncidentSuggestion:
    """Set the values a person says are right instead of the suggested ones."""
    values = data.model_dump(exclude_none=True)
    if not values:
        raise errors.empty_correction()
    suggestion = _suggestion(session, incident_id)
    _set(session, suggestion, values, "corrected", actor, now)
    return suggestion


def apply_automatically(
    session: Session,
    *,
    incident: Incident,
    guesses: Mapping[str, Guess],
    threshold: float,
    now: datetime,
) -> None:
    """Apply on the engine's authority what the model is at least `threshold` sure of,
    where no person has chosen yet: a category only when there is none, impact and
    urgency only while the priority follows the matrix."""
    values: dict[str, int] = {}
    for name, guess in guesses.items():
        if guess.confidence < threshold or getattr(incident, name) == guess.value:
            continue
        if name == "category_id" and incident.category_id is not None:
            continue
        if name != "category_id" and incident.priority_overridden:
            continue
        values[name] = guess.value
    if not values:
        return
    incidents.update(
        session, incident_id=incident.id, data=IncidentUpdate(**values), actor=ENGINE, now=now
    )
    _timeline(session, incident.id, values, "applied", ENGINE, now)
    session.execute(
        update(IncidentSuggestion)
        .where(IncidentSuggestion.incident_id == incident.id)
        .values(decision="auto", chosen=values, decided_at=now)
    )


def _suggestion(session: Session, incident_id: int) -> IncidentSuggestion:
    incidents.get(session, incident_id=incident_id)
    found = session.get(IncidentSuggestion, incident_id, with_for_update=True)
    if found is None:
        raise errors.none_yet(incident_id)
    return found


def _set(
    session: Session,
    suggestion: IncidentSuggestion,
    values: dict[str, Any],
    decision: str,
    actor: Actor,
    now: datetime,
) -> None:
    incidents.update(
        session,
        incident_id=suggestion.incident_id,
        data=IncidentUpdate(**values),
        actor=actor,
        now=now,
    )
    suggestion.decision = decision
    suggestion.chosen = values
    suggestion.decided_by_id = actor.user_id
    suggestion.decided_at = now
    _timeline(session, suggestion.incident_id, values, decision, actor, now)
    session.flush()


def _timeline(
    session: Session,
    incident_id: int,
    values: Mapping[str, int],
    verb: str,
    actor: Actor,
    now: datetime,
) -> None:
    record(
        session,
        incident_id=incident_id,
        kind="suggestion",
        summary=f"{actor.name} {verb} the suggestion: {describe(session, values)}",
        actor=actor,
        at=now,
        data={"decision": verb, "values": dict(values)},
    )


def describe(session: Session, values: Mapping[str, int | None]) -> str:
    """`category Database/Replication, impact 2 (significant)`."""
    parts = []
    if values.get("category_id") is not None:
        path = session.scalar(select(Category.path).where(Category.id == values["category_id"]))
        parts.append(f"category {path}")
    for name, names in (("impact", IMPACT_NAMES), ("urgency", URGENCY_NAMES)):
        value = values.get(name)
        if value is not None:
            parts.append(f"{name} {value} ({names[value]})")
    return ", ".join(parts)
