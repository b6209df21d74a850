"""Writing the timeline: every change to an incident leaves one append-only entry.

`record` writes one entry through the session. The engine's set-based stages collect
entries in `Entries` instead and write them with one multi-row INSERT; an entry there may
belong to an incident that has no number yet, so it keeps the incident, not its id.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import insert
from sqlalchemy.orm import Session

from watchkeeper.incidents.models import TimelineEntry


@dataclass(frozen=True)
class Actor:
    """Who did something: a user, or a named part of the system (engine, an integration)."""

    user_id: int | None
    name: str


SYSTEM = Actor(None, "system")
ENGINE = Actor(None, "engine")


class Numbered(Protocol):
    """An incident as far as its timeline cares: its number, known by the time of writing."""

    id: int


Text = str | Callable[[], str]
Data = dict[str, Any] | Callable[[], dict[str, Any]]


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


class Journal(Protocol):
    """Where a change to a loaded incident leaves its timeline entry."""

    def add(
        self,
        incident: Numbered,
        kind: str,
        summary: Text,
        actor: Actor,
        at: datetime,
        data: Data | None = None,
    ) -> None: ...


@dataclass(frozen=True)
class SessionJournal:
    """Each entry is written at once, through the session (one change, one request)."""

    session: Session

    def add(
        self,
        incident: Numbered,
        kind: str,
        summary: Text,
        actor: Actor,
        at: datetime,
        data: Data | None = None,
    ) -> None:
        record(
            self.session,
            incident_id=incident.id,
            kind=kind,
            summary=summary if isinstance(summary, str) else summary(),
            actor=actor,
            at=at,
            data=data if data is None or isinstance(data, dict) else data(),
        )


@dataclass
class _Pending:
    incident: Numbered | int  # an incident, or the id of one that has its number
    kind: str
    summary: Text
    actor: Actor
    at: datetime
    data: Data


@dataclass
class Entries:
    """Entries kept until `write`: by then every incident has its number, and a summary
    or data given as a function (they name rows that get ids on insert) can be rendered."""

    pending: list[_Pending] = field(default_factory=list)

    def add(
        self,
        incident: Numbered | int,
        kind: str,
        summary: Text,
        actor: Actor,
        at: datetime,
        data: Data | None = None,
    ) -> None:
        self.pending.append(_Pending(incident, kind, summary, actor, at, data or {}))

    def write(self, session: Session) -> int:
        """Insert every kept entry with one multi-row INSERT; returns how many."""
        rows = [
            {
                "incident_id": item.incident
                if isinstance(item.incident, int)
                else item.incident.id,
                "at": item.at,
                "actor_id": item.actor.user_id,
                "actor": item.actor.name,
                "kind": item.kind,
                "summary": item.summary if isinstance(item.summary, str) else item.summary(),
                "data": item.data if isinstance(item.data, dict) else item.data(),
            }
            for item in self.pending
        ]
        if rows:
            session.execute(insert(TimelineEntry.table()), rows)
        self.pending = []
        return len(rows)
