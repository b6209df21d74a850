"""The filters every report page shares, read from the URL so a view can be shared: the
range (7/30/90 days or custom days in the viewer's zone), grouping, service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import Depends, Query

from watchkeeper.analytics.dimensions import Dimension
from watchkeeper.analytics.ranges import ReportRange, resolve_range, zone
from watchkeeper.core.errors import Invalid
from watchkeeper.core.ids import Id
from watchkeeper.web.deps import Now, UiViewer

SPANS = ("7d", "30d", "90d")
GROUPS = {
    Dimension.SERVICE: "service",
    Dimension.TEAM: "team",
    Dimension.CATEGORY: "category",
    Dimension.PRIORITY: "priority",
    Dimension.SOURCE: "source (alerts / by hand)",
}


@dataclass(frozen=True)
class Filters:
    window: ReportRange
    zone: ZoneInfo
    since: str | None
    start: date | None
    end: date | None
    by: Dimension | None
    service_id: int | None
    error: str | None = None

    def query(self, **override: Any) -> str:
        """These filters as a query string (for links to the CSV and to other pages)."""
        values: dict[str, Any] = {
            "since": self.since,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "by": self.by.value if self.by else None,
            "service_id": self.service_id,
        }
        values |= override
        return urlencode({k: v for k, v in values.items() if v is not None})

    def api_query(self, **more: Any) -> str:
        """The same range for the API, as exact instants, and the viewer's zone."""
        values = {"start": self.window.start.isoformat(), "end": self.window.end.isoformat()}
        values["tz"] = self.zone.key
        if self.by:
            values["by"] = self.by.value
        if self.service_id:
            values["service_id"] = str(self.service_id)
        return urlencode(values | more)


def _midnight(day: date, where: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), where)


def _filters(
    principal: UiViewer,
    now: Now,
    since: Annotated[str | None, Query(max_length=8)] = None,
    start: date | None = None,
    end: date | None = None,
    by: Dimension | None = None,
    service_id: Id | None = None,
) -> Filters:
    where = zone(principal.time_zone)
    try:
        if start or end:
            last = end or now.astimezone(where).date()
            first = start or last - timedelta(days=29)
            window = resolve_range(
                now=now,
                since=None,
                start=_midnight(first, where),
                end=_midnight(last + timedelta(days=1), where),  # the end day is included
            )
            return Filters(window, where, None, first, last, by, service_id)
        window = resolve_range(now=now, since=since or "30d", start=None, end=None)
        return Filters(window, where, since or "30d", None, None, by, service_id)
    except Invalid as exc:
        fallback = resolve_range(now=now, since="30d", start=None, end=None)
        return Filters(fallback, where, "30d", None, None, by, service_id, error=str(exc))


ReportFilters = Annotated[Filters, Depends(_filters)]
