"""Which incidents the reports count: those created in the range that are not duplicates.

Merged duplicates (and incidents closed with the `duplicate` code) are left out, so a
problem counts once; drills are left out too (they test people, they are not incidents).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_

from watchkeeper.analytics.ranges import ReportRange
from watchkeeper.incidents.models import Incident
from watchkeeper.response.drills.queries import not_a_drill

DUPLICATE = "duplicate"


def counted(window: ReportRange) -> ColumnElement[bool]:
    return and_(
        Incident.created_at >= window.start,
        Incident.created_at < window.end,
        Incident.merged_into_id.is_(None),
        or_(Incident.resolution_code.is_(None), Incident.resolution_code != DUPLICATE),
        not_a_drill(),
    )
