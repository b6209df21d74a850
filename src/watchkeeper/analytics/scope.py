"""Which incidents the reports count: those created in the range that are not duplicates.

Merged duplicates (and incidents closed with the `duplicate` code) are left out, so a
problem counts once. Drills are not flagged on incidents yet; when they are, the filter
belongs here and every report follows.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, or_

from watchkeeper.analytics.ranges import ReportRange
from watchkeeper.incidents.models import Incident

DUPLICATE = "duplicate"


def counted(window: ReportRange) -> ColumnElement[bool]:
    return and_(
        Incident.created_at >= window.start,
        Incident.created_at < window.end,
        Incident.merged_into_id.is_(None),
        or_(Incident.resolution_code.is_(None), Incident.resolution_code != DUPLICATE),
    )
