"""The SLA compliance report as the API returns it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from watchkeeper.analytics.dimensions import Dimension


class ClockOut(BaseModel):
    met: int
    breached: int
    pending: int
    compliance_percent: float | None
    warned_then_breached: int
    warned_then_met: int
    warned_pending: int


class SlaGroupOut(BaseModel):
    key: str
    label: str
    count: int
    acknowledge: ClockOut
    resolve: ClockOut


class BreachOut(BaseModel):
    incident_id: int
    title: str
    service: str
    priority: str
    clock: str  # acknowledge or resolve
    due_at: datetime
    stopped_at: datetime | None  # null: the event has not come yet
    late_seconds: float


class SlaReport(BaseModel):
    start: datetime
    end: datetime
    by: Dimension
    total: SlaGroupOut
    groups: list[SlaGroupOut]
    breaches: list[BreachOut]
    breaches_total: int
