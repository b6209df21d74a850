"""The response report as the API returns it (and the CSV and the page show it)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from watchkeeper.analytics.dimensions import Dimension


class SummaryOut(BaseModel):
    """Seconds; null when no incident had the clock stop."""

    count: int
    mean: float | None
    median: float | None
    p90: float | None


class TrendOut(BaseModel):
    previous: float | None
    direction: str  # up, down, flat, new (no base to compare), none (no current value)
    percent: float | None


class GroupOut(BaseModel):
    key: str
    label: str
    count: int
    acknowledged: int
    resolved: int
    unacknowledged: int
    mtta: SummaryOut
    mttr: SummaryOut
    mtbf_seconds: float | None
    count_trend: TrendOut
    mtta_trend: TrendOut
    mttr_trend: TrendOut


class DayOut(BaseModel):
    day: date
    count: int
    mtta_mean: float | None
    mttr_mean: float | None


class ResponseReport(BaseModel):
    start: datetime
    end: datetime
    previous_start: datetime
    by: Dimension
    time_zone: str
    total: GroupOut
    groups: list[GroupOut]
    days: list[DayOut]
