"""Merging incidents, with their alerts: a duplicate's open alerts move to the survivor.

Correlation finds an alert's incident through the open alert of its fingerprint
(`alerts.incident_id`), so once the alerts have moved, a repeat joins the survivor and the
survivor auto-resolves only when they, too, have resolved. Resolved alerts stay with the
duplicate, as its history.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from watchkeeper.incidents import links
from watchkeeper.incidents.models import Incident
from watchkeeper.incidents.timeline import Actor, record
from watchkeeper.pipeline.correlate.models import Alert
from watchkeeper.pipeline.correlate.pending import lock_services


def merge(
    session: Session, *, survivor_id: int, duplicate_ids: Sequence[int], actor: Actor, now: datetime
) -> Incident:
    """Merge the duplicates into the survivor (`incidents.links.merge`) and move their open
    alerts there; the survivor's timeline says how many came."""
    duplicates = sorted(set(duplicate_ids))
    open_alerts = (
        Alert.status != "resolved",
        Alert.incident_id.in_(duplicates),
        Alert.incident_id != survivor_id,
    )
    # PostgreSQL: wait for correlation batches writing to these alerts' services (they
    # take these locks before the incidents'), so none writes back what it read before.
    lock_services(session, set(session.scalars(select(Alert.service_id).where(*open_alerts))))
    survivor = links.merge(
        session, survivor_id=survivor_id, duplicate_ids=duplicates, actor=actor, now=now
    )
    moved = session.scalars(
        update(Alert).where(*open_alerts).values(incident_id=survivor.id).returning(Alert.id)
    ).all()
    if moved:
        record(
            session,
            incident_id=survivor.id,
            kind="alerts_moved",
            summary=f"{len(moved)} open alert(s) of the merged incidents now belong to it",
            actor=actor,
            at=now,
            data={"alert_ids": sorted(moved)},
        )
    return survivor
