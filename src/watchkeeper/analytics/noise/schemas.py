"""The noise report as the API returns it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class FixOut(BaseModel):
    kind: str
    label: str
    url: str


class NoisyAlertOut(BaseModel):
    service_id: int
    service: str
    name: str
    fingerprint: str | None  # null in the by-alertname list
    alerts: int
    events: int
    incidents: int
    pages: int
    quick_resolved: int
    never_acknowledged: int
    flapping: int
    suppressed: int
    no_action: int
    previous_alerts: int
    fixes: list[FixOut]


class NoiseReport(BaseModel):
    start: datetime
    end: datetime
    quick_minutes: int
    alerts: int
    quick_resolved: int
    never_acknowledged: int
    flapping: int
    no_action: int
    by_fingerprint: list[NoisyAlertOut]
    by_alertname: list[NoisyAlertOut]
