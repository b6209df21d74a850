"""The response report as one row per group (the CSV, the CLI table, the page's table)."""

from __future__ import annotations

from watchkeeper.analytics.response.schemas import GroupOut, ResponseReport
from watchkeeper.analytics.tables import Table

COLUMNS = (
    "group",
    "incidents",
    "acknowledged",
    "resolved",
    "unacknowledged",
    "mtta_mean_s",
    "mtta_median_s",
    "mtta_p90_s",
    "mttr_mean_s",
    "mttr_median_s",
    "mttr_p90_s",
    "mtbf_s",
    "incidents_change_pct",
    "mtta_change_pct",
    "mttr_change_pct",
)


def _row(group: GroupOut) -> list[object]:
    return [
        group.label,
        group.count,
        group.acknowledged,
        group.resolved,
        group.unacknowledged,
        group.mtta.mean,
        group.mtta.median,
        group.mtta.p90,
        group.mttr.mean,
        group.mttr.median,
        group.mttr.p90,
        group.mtbf_seconds,
        group.count_trend.percent,
        group.mtta_trend.percent,
        group.mttr_trend.percent,
    ]


def table(report: ResponseReport) -> Table:
    return Table(COLUMNS, [_row(group) for group in report.groups])
