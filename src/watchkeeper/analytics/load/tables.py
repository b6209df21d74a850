"""The on-call load report as flat tables: people, and the rotation turns."""

from __future__ import annotations

from watchkeeper.analytics.load.schemas import LoadReport
from watchkeeper.analytics.tables import Table

COLUMNS = (
    "person",
    "time_zone",
    "pages",
    "night_pages",
    "weekend_pages",
    "interrupted_nights",
    "hours_on_call",
)
ROTATION_COLUMNS = ("schedule", "fairness", "person", "hours_on_call", "pages", "pages_per_day")


def table(report: LoadReport) -> Table:
    rows = [
        [p.name, p.time_zone, p.pages, p.night_pages, p.weekend_pages,
         p.interrupted_nights, p.hours_on_call]
        for p in report.people
    ]  # fmt: skip
    return Table(COLUMNS, rows)


def rotations(report: LoadReport) -> Table:
    return Table(
        ROTATION_COLUMNS,
        [
            [r.name, r.fairness, t.name, t.hours_on_call, t.pages, t.pages_per_day]
            for r in report.rotations
            for t in r.people
        ],
    )
