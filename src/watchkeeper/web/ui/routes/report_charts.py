"""Chart.js configurations of the report pages, as plain data: the page puts each in a
`data-chart` attribute and static/reports.js draws it (no inline script)."""

from __future__ import annotations

from typing import Any

from watchkeeper.analytics.follow.schemas import FollowReport
from watchkeeper.analytics.load.schemas import LoadReport
from watchkeeper.analytics.noise.schemas import NoiseReport
from watchkeeper.analytics.response.schemas import ResponseReport
from watchkeeper.analytics.sla.schemas import SlaReport

BARS = 15  # groups in a bar chart; the table beside it has them all
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def seconds(value: float | None) -> str:
    """A duration in seconds as people read it: 45 s, 12 min, 3 h 20 min, 2 d 4 h."""
    if value is None:
        return "—"
    whole = round(value)
    days, rest = divmod(whole, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min" if minutes else f"{whole} s"


def _minutes(value: float | None) -> float | None:
    return None if value is None else round(value / 60, 1)


def _chart(kind: str, labels: list[str], datasets: list[dict[str, Any]], **extra: Any) -> Any:
    return {"type": kind, "labels": labels, "datasets": datasets, **extra}


def response_charts(report: ResponseReport) -> tuple[Any, Any]:
    groups = report.groups[:BARS]
    by_group = _chart(
        "bar",
        [g.label for g in groups],
        [
            {"label": "MTTA median (min)", "data": [_minutes(g.mtta.median) for g in groups]},
            {"label": "MTTR median (min)", "data": [_minutes(g.mttr.median) for g in groups]},
        ],
    )
    by_day = _chart(
        "line",
        [d.day.isoformat() for d in report.days],
        [
            {"label": "Incidents", "data": [d.count for d in report.days], "yAxisID": "y"},
            {
                "label": "MTTA mean (min)",
                "data": [_minutes(d.mtta_mean) for d in report.days],
                "yAxisID": "y1",
            },
        ],
        two_axes=True,
    )
    return by_group, by_day


def sla_chart(report: SlaReport) -> Any:
    groups = report.groups[:BARS]
    acknowledged = [g.acknowledge.compliance_percent for g in groups]
    resolved = [g.resolve.compliance_percent for g in groups]
    return _chart(
        "bar",
        [g.label for g in groups],
        [
            {"label": "Acknowledged in time (%)", "data": acknowledged},
            {"label": "Resolved in time (%)", "data": resolved},
        ],
        percent=True,
    )


def noise_chart(report: NoiseReport) -> Any:
    top = report.by_alertname[:10]
    return _chart(
        "bar",
        [f"{a.name} ({a.service})" for a in top],
        [
            {"label": "Pages", "data": [a.pages for a in top]},
            {"label": "Alerts", "data": [a.alerts for a in top]},
            {"label": "Previous period", "data": [a.previous_alerts for a in top]},
        ],
        horizontal=True,
    )


def load_chart(report: LoadReport) -> Any:
    people = report.people[:BARS]
    return _chart(
        "bar",
        [p.name for p in people],
        [
            {"label": "Pages", "data": [p.pages for p in people]},
            {"label": "At night", "data": [p.night_pages for p in people]},
            {"label": "At weekends", "data": [p.weekend_pages for p in people]},
        ],
    )


def heat_rows(cells: list[int]) -> list[tuple[str, list[tuple[int, float]]]]:
    """The heat map as 7 rows of 24 (count, shade 0..1), for an HTML table."""
    peak = max(cells) or 1
    return [
        (DAYS[day], [(cells[day * 24 + hour], cells[day * 24 + hour] / peak) for hour in range(24)])
        for day in range(7)
    ]


def follow_chart(report: FollowReport) -> Any:
    teams = report.actions_by_team[:BARS]
    return _chart(
        "bar",
        [t.label for t in teams],
        [
            {"label": "Open, not overdue", "data": [t.open - t.overdue for t in teams]},
            {"label": "Overdue", "data": [t.overdue for t in teams]},
            {"label": "Done", "data": [t.done for t in teams]},
        ],
    )
