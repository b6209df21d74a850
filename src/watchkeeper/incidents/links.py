"""Related incidents, and merging duplicates into a surviving incident."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from watchkeeper.db.upsert import insert_for
from watchkeeper.incidents import errors
from watchkeeper.incidents.lifecycle import Status
from watchkeeper.incidents.models import Incident, IncidentLink
from watchkeeper.incidents.service import editable, get
from watchkeeper.incidents.timeline import Actor, record
from watchkeeper.incidents.transitions import close_as_duplicate


def related_ids(session: Session, *, incident_id: int) -> list[int]:
    rows = session.execute(
        select(IncidentLink.low_id, IncidentLink.high_id).where(
            or_(IncidentLink.low_id == incident_id, IncidentLink.high_id == incident_id)
        )
    )
    return sorted(high if low == incident_id else low for low, high in rows)


def link(session: Session, *, incident_id: int, other_id: int, actor: Actor, now: datetime) -> None:
    """Mark two incidents as related (idempotent); both timelines say so."""
    if incident_id == other_id:
        raise errors.cannot_link("an incident cannot be linked to itself")
    get(session, incident_id=incident_id)
    get(session, incident_id=other_id)
    low, high = sorted((incident_id, other_id))
    # RETURNING, not rowcount: psycopg reports -1 rows for INSERT ... ON CONFLICT.
    inserted = session.scalar(
        insert_for(session, IncidentLink)
        .values(low_id=low, high_id=high, created_at=now)
        .on_conflict_do_nothing(index_elements=["low_id", "high_id"])
        .returning(IncidentLink.low_id)
    )
    if inserted is not None:
        for one, two in ((incident_id, other_id), (other_id, incident_id)):
            record(
                session,
                incident_id=one,
                kind="link",
                summary=f"{actor.name} linked it to #{two}",
                actor=actor,
                at=now,
                data={"incident_id": two},
            )


def unlink(
    session: Session, *, incident_id: int, other_id: int, actor: Actor, now: datetime
) -> None:
    low, high = sorted((incident_id, other_id))
    result = session.execute(
        delete(IncidentLink).where(IncidentLink.low_id == low, IncidentLink.high_id == high)
    )
    if getattr(result, "rowcount", 0):
        for one, two in ((incident_id, other_id), (other_id, incident_id)):
            record(
                session,
                incident_id=one,
                kind="unlink",
                summary=f"{actor.name} unlinked it from #{two}",
                actor=actor,
                at=now,
                data={"incident_id": two},
            )


def merge(
    session: Session, *, survivor_id: int, duplicate_ids: Sequence[int], actor: Actor, now: datetime
) -> Incident:
    """Merge duplicates into the survivor: each closes as a duplicate pointing there, and
    both timelines record it. Nothing is merged unless every duplicate can be."""
    survivor = editable(session, incident_id=survivor_id)
    duplicates = []
    for duplicate_id in sorted(set(duplicate_ids)):
        if duplicate_id == survivor_id:
            raise errors.cannot_merge("an incident cannot be merged into itself")
        duplicate = get(session, incident_id=duplicate_id, lock=True)
        if duplicate.status == Status.CLOSED:
            raise errors.cannot_merge(f"#{duplicate_id} is already closed")
        duplicates.append(duplicate)
    for duplicate in duplicates:
        duplicate.merged_into_id = survivor.id
        duplicate.updated_at = now
        close_as_duplicate(duplicate, survivor.id, now)
        record(
            session,
            incident_id=duplicate.id,
            kind="merged_into",
            summary=f"{actor.name} merged it into #{survivor.id}; it is closed as a duplicate",
            actor=actor,
            at=now,
            data={"incident_id": survivor.id},
        )
        record(
            session,
            incident_id=survivor.id,
            kind="merged",
            summary=f"{actor.name} merged #{duplicate.id} ({duplicate.title}) into it",
            actor=actor,
            at=now,
            data={"incident_id": duplicate.id},
        )
    survivor.updated_at = now
    return survivor
