"""Writing the timeline: every change to an incident leaves one append-only entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from watchkeeper.incidents.models import TimelineEntry


@dataclass(frozen=True)
class Actor:
    """Who did something: a user, or a named part of the system (engine, an integration)."""

    user_id: int | None
    name: str


SYSTEM = Actor(None, "system")
ENGINE = Actor(None, "engine")


def record(
    session: Session,
    *,
    incident_id: int,
    kind: str,
    summary: str,
    actor: Actor,
    at: datetime,
    data: dict[str, Any] | None = None,
) -> TimelineEntry:
    entry = TimelineEntry(
        incident_id=incident_id,
        at=at,
        actor_id=actor.user_id,
        actor=actor.name,
        kind=kind,
        summary=summary,
        data=data or {},
    )
    session.add(entry)
    return entry
