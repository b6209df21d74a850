"""Build the response report: this period's figures per group against the previous one."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from watchkeeper.analytics.dimensions import Dimension
from watchkeeper.analytics.ranges import ReportRange
from watchkeeper.analytics.response.figures import by_day
from watchkeeper.analytics.response.queries import GroupFigures, buckets, group_figures
from watchkeeper.analytics.response.schemas import (
    DayOut,
    GroupOut,
    ResponseReport,
    SummaryOut,
    TrendOut,
)
from watchkeeper.analytics.stats import EMPTY, Summary, trend


def report(
    session: Session,
    *,
    window: ReportRange,
    by: Dimension,
    zone: ZoneInfo,
    service_id: int | None = None,
) -> ResponseReport:
    def figures(span: ReportRange, grouping: Dimension) -> list[GroupFigures]:
        ranked = span == window  # the period before only gives the trends' base
        return group_figures(
            session, window=span, by=grouping, service_id=service_id, ranked=ranked
        )

    before = window.previous()
    base = {group.key: group for group in figures(before, by)}
    groups = sorted(figures(window, by), key=lambda g: (-g.count, g.label))
    return ResponseReport(
        start=window.start,
        end=window.end,
        previous_start=before.start,
        by=by,
        time_zone=zone.key,
        total=_out(_total(figures(window, Dimension.ALL)), _total(figures(before, Dimension.ALL))),
        groups=[_out(group, base.get(group.key)) for group in groups],
        days=[
            DayOut(day=d.day, count=d.count, mtta_mean=d.tta_mean, mttr_mean=d.ttr_mean)
            for d in by_day(buckets(session, window=window, service_id=service_id), zone)
        ],
    )


def _total(found: list[GroupFigures]) -> GroupFigures:
    if found:
        return found[0]
    return GroupFigures("all", "all", 0, 0, 0, 0, EMPTY, EMPTY, None)


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
