"""What the API returns for alerts and change events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict


class AlertOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    service_id: int
    integration_id: int | None
    fingerprint: str
    status: str
    summary: str
    severity: str
    source: str
    labels: dict[str, str]
    details: dict[str, Any]
    links: list[dict[str, str]]
    first_seen_at: datetime
    last_seen_at: datetime
    resolved_at: datetime | None
    count: int
    incident_id: int | None
    suppressed_reason: str | None
    flapping: bool


class RawPayloadOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    received_at: datetime
    content_type: str
    size: int
    truncated: bool
    body: str


class AlertDetail(AlertOut):
    raw: RawPayloadOut | None


class ChangeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    service_id: int
    occurred_at: datetime
    summary: str
    source: str
    details: dict[str, Any]
    links: list[dict[str, str]]
