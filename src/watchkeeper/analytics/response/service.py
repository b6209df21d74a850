"""Build the response report: this period's figures per group against the previous one."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from watchkeeper.analytics.dimensions import Dimension
from watchkeeper.analytics.ranges import ReportRange
from watchkeeper.analytics.response.figures import GroupFigures, IncidentTimes, by_day, figures
from watchkeeper.analytics.response.queries import incident_times
from watchkeeper.analytics.response.schemas import (
    DayOut,
    GroupOut,
    ResponseReport,
    SummaryOut,
    TrendOut,
)
from watchkeeper.analytics.stats import Summary, summarize, trend


def report(
    session: Session,
    *,
    window: ReportRange,
    by: Dimension,
    zone: ZoneInfo,
    service_id: int | None = None,
) -> ResponseReport:
    rows = list(incident_times(session, window=window, by=by, service_id=service_id))
    before = list(incident_times(session, window=window.previous(), by=by, service_id=service_id))
    base = {group.key: group for group in figures(before)}
    groups = sorted(figures(rows), key=lambda g: (-g.count, g.label))
    total = _total(rows)
    total_before = _total(before)
    return ResponseReport(
        start=window.start,
        end=window.end,
        previous_start=window.previous().start,
        by=by,
        time_zone=zone.key,
        total=_out(total, total_before),
        groups=[_out(group, base.get(group.key)) for group in groups],
        days=[
            DayOut(day=d.day, count=d.count, mtta_median=d.tta_median, mttr_median=d.ttr_median)
            for d in by_day(rows, zone)
        ],
    )


def _total(rows: list[IncidentTimes]) -> GroupFigures:
    merged = figures(replace_key(row) for row in rows)
    if merged:
        return merged[0]
    empty = summarize([])
    return GroupFigures("all", "all", 0, 0, 0, 0, empty, empty, None)


def replace_key(row: IncidentTimes) -> IncidentTimes:
    return IncidentTimes(
        "all", "all", row.created_at, row.acknowledged_at, row.resolved_at, row.paused_seconds
    )


def _summary(value: Summary) -> SummaryOut:
    return SummaryOut(count=value.count, mean=value.mean, median=value.median, p90=value.p90)


def _trend(current: float | None, previous: float | None) -> TrendOut:
    moved = trend(current, previous)
    return TrendOut(previous=moved.previous, direction=moved.direction, percent=moved.percent)


def _out(group: GroupFigures, before: GroupFigures | None) -> GroupOut:
    return GroupOut(
        key=group.key,
        label=group.label,
        count=group.count,
        acknowledged=group.acknowledged,
        resolved=group.resolved,
        unacknowledged=group.unacknowledged,
        mtta=_summary(group.tta),
        mttr=_summary(group.ttr),
        mtbf_seconds=group.mtbf,
        count_trend=_trend(float(group.count), float(before.count) if before else None),
        mtta_trend=_trend(group.tta.mean, before.tta.mean if before else None),
        mttr_trend=_trend(group.ttr.mean, before.ttr.mean if before else None),
    )
