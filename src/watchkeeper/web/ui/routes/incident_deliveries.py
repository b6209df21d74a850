"""The incident page's notification log: every message about it, whom it went to, through
which contact method, and what the channel answered (until now only in the API)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from watchkeeper.pipeline.notify import service as notify
from watchkeeper.pipeline.notify.models import ContactMethod
from watchkeeper.web.ui.routes.incident_lists import people

SHOWN = 100  # the newest; the API has them all


def deliveries(session: Session, incident_id: int) -> dict[str, Any]:
    rows = list(notify.for_incident(session, incident_id=incident_id))[-SHOWN:][::-1]
    method_ids = sorted({row.contact_method_id for row in rows})
    methods = {
        method.id: f"{method.kind}: {method.label}" if method.label else method.kind
        for method in session.scalars(select(ContactMethod).where(ContactMethod.id.in_(method_ids)))
    }
    return {
        "deliveries": rows,
        "delivery_people": people(session, [row.user_id for row in rows]),
        "delivery_methods": methods,
    }
