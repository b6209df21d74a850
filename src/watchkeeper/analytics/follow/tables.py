"""The follow-through report as flat tables: action items per team, and what is overdue."""

from __future__ import annotations

from watchkeeper.analytics.follow.schemas import ActionFigures, FollowReport
from watchkeeper.analytics.tables import Table

COLUMNS = (
    "team",
    "created",
    "open",
    "overdue",
    "done",
    "wont_do",
    "median_open_age_days",
    "median_days_to_done",
)
OWED_COLUMNS = ("incident", "title", "priority", "closed_at", "due_at", "days_overdue")


def _row(a: ActionFigures) -> list[object]:
    return [
        a.label,
        a.created,
        a.open,
        a.overdue,
        a.done,
        a.wont_do,
        a.median_open_age_days,
        a.median_days_to_done,
    ]


def table(report: FollowReport) -> Table:
    return Table(COLUMNS, [_row(group) for group in [*report.actions_by_team, report.actions]])


def owed(report: FollowReport) -> Table:
    return Table(
        OWED_COLUMNS,
        [
            [
                o.incident_id,
                o.title,
                o.priority,
                o.closed_at.isoformat(),
                o.due_at.isoformat(),
                o.days_overdue,
            ]
            for o in report.owed
        ],
    )
