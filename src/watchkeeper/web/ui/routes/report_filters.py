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


def _day(value: str | None, field: str) -> date | None:
    """A day from a date input; empty (the form's "not set") is none."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise Invalid(f"{field} must be a day such as 2026-03-01") from None
    if not 1971 <= day.year < 9000:
        raise Invalid(f"{field} must be a day between 1971 and 9000")
    return day


def _filters(
    principal: UiViewer,
    now: Now,
    since: Annotated[str | None, Query(max_length=8)] = None,
    start: Annotated[str | None, Query(max_length=10)] = None,
    end: Annotated[str | None, Query(max_length=10)] = None,
    by: Annotated[str | None, Query(max_length=20)] = None,
    service_id: Annotated[str | None, Query(max_length=12)] = None,
) -> Filters:
    """The form sends every field, empty ones too, so each is read leniently: empty is
    "not set", and a wrong value is said on the page."""
    where = zone(principal.time_zone)
    grouping = Dimension(by) if by in set(Dimension) else None
    service = int(service_id) if service_id and service_id.isdigit() else None
    try:
        first, last = _day(start, "from"), _day(end, "to")
        return _window(now, where, since or None, first, last, grouping, service)
    except Invalid as exc:
        fallback = resolve_range(now=now, since="30d", start=None, end=None)
        return Filters(fallback, where, "30d", None, None, grouping, service, error=str(exc))


def _window(
    now: datetime,
    where: ZoneInfo,
    since: str | None,
    start: date | None,
    end: date | None,
    by: Dimension | None,
    service_id: int | None,
) -> Filters:
    """Custom days win over a length: a range picked by hand is what was meant."""
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


ReportFilters = Annotated[Filters, Depends(_filters)]
