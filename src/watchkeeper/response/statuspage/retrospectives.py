"""Published public postmortems of the internal incidents behind public incidents: what a
status page links to. Only the postmortem's public summary is ever shown there."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.response.postmortems.models import Postmortem, PostmortemIncident
from watchkeeper.response.statuspage.models import PublicIncident


@dataclass(frozen=True)
class PublicPostmortem:
    title: str
    summary: str
    published_at: datetime | None


def public_postmortems(
    session: Session, incident_ids: Iterable[int | None]
) -> dict[int, PublicPostmortem]:
    """Internal incident id -> its published, public postmortem (one that covers it as
    a related incident counts too). Two queries at most; none without incidents."""
    ids = sorted({i for i in incident_ids if i is not None})
    if not ids:
        return {}
    shown = (Postmortem.status == "published", Postmortem.public.is_(True))
    found: dict[int, PublicPostmortem] = {}
    rows = session.execute(
        select(PostmortemIncident.incident_id, Postmortem)
        .join(Postmortem, Postmortem.id == PostmortemIncident.postmortem_id)
        .where(PostmortemIncident.incident_id.in_(ids), *shown)
    ).all()
    own = session.scalars(select(Postmortem).where(Postmortem.incident_id.in_(ids), *shown))
    for incident_id, postmortem in [*rows, *((p.incident_id, p) for p in own)]:
        found[incident_id] = PublicPostmortem(
            title=postmortem.title,
            summary=postmortem.public_summary,
            published_at=postmortem.published_at,
        )
    return found


def for_public_incident(
    session: Session, *, page_id: int, public_id: int
) -> tuple[PublicIncident, PublicPostmortem] | None:
    record = session.get(PublicIncident, public_id)
    if record is None or record.page_id != page_id or record.published_at is None:
        return None
    found = public_postmortems(session, [record.incident_id]).get(record.incident_id or 0)
    return None if found is None else (record, found)
