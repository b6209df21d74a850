"""The query every report takes: a range, a grouping, a time zone, an optional service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Depends, Query
from starlette.responses import Response

from watchkeeper.analytics.dimensions import Dimension
from watchkeeper.analytics.ranges import ReportRange, resolve_range, zone
from watchkeeper.analytics.tables import Table, to_csv
from watchkeeper.core.ids import Id
from watchkeeper.web.deps import Now


@dataclass(frozen=True)
class Window:
    range: ReportRange
    zone: ZoneInfo
    service_id: int | None


def _window(
    now: Now,
    since: Annotated[
        str | None, Query(max_length=8, description="Length back from now: 7d, 30d, 90d, 12h")
    ] = None,
    start: Annotated[datetime | None, Query(description="Custom range start (ISO 8601)")] = None,
    end: Annotated[datetime | None, Query(description="Custom range end, exclusive")] = None,
    tz: Annotated[
        str | None, Query(max_length=64, description="IANA zone for days and nights (UTC)")
    ] = None,
    service_id: Id | None = None,
) -> Window:
    return Window(
        resolve_range(now=now, since=since, start=_aware(start), end=_aware(end)),
        zone(tz),
        service_id,
    )


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


ReportWindow = Annotated[Window, Depends(_window)]
By = Annotated[Dimension, Query(description="Group by service, team, category, priority, source")]


CSV: dict[str, Any] = {
    "response_class": Response,
    "responses": {200: {"content": {"text/csv": {}}}},
}


def csv_response(table: Table, name: str) -> Response:
    return Response(
        to_csv(table),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )
