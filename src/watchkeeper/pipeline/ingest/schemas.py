"""What the API accepts and returns for integrations."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from watchkeeper.core.text import NonBlank

IntegrationType = Literal["alertmanager", "pagerduty", "grafana", "generic", "heartbeat"]


class IntegrationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: IntegrationType
    name: Annotated[NonBlank, Field(max_length=100)]
    period_seconds: int | None = Field(
        default=None, ge=60, le=90 * 86400, description="Heartbeats: how often the job runs."
    )
    grace_seconds: int | None = Field(
        default=None, ge=0, le=86400, description="Heartbeats: how late a check-in may be."
    )


class RotateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    grace_hours: int = Field(default=24, ge=0, le=720, description="How long the old key works.")


class IntegrationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    service_id: int
    type: str
    name: str
    key_prefix: str
    created_at: datetime
    rotated_at: datetime | None
    revoked_at: datetime | None
    previous_valid_until: datetime | None


class IntegrationKey(IntegrationOut):
    key: str = Field(description="The secret key; shown only in this response.")
    url: str = Field(
        description="Where the source sends (for PagerDuty: the key is the routing key)."
    )
