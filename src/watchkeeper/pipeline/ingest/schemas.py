"""What the API accepts and returns for integrations."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from watchkeeper.core.patch import Patch
from watchkeeper.core.text import NonBlank

IntegrationType = Literal["alertmanager", "pagerduty", "grafana", "generic", "heartbeat"]
IntegrationName = Annotated[NonBlank, Field(max_length=100)]
Period = Annotated[
    int, Field(ge=60, le=90 * 86400, description="Heartbeats: how often the job runs (seconds).")
]
Grace = Annotated[
    int,
    Field(ge=0, le=86400, description="Heartbeats: how late a check-in may be (seconds)."),
]


class IntegrationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: IntegrationType
    name: IntegrationName
    period_seconds: Period | None = None
    grace_seconds: Grace | None = None


class IntegrationUpdate(Patch):
    """Rename an integration; for a heartbeat, change its period and grace."""

    name: IntegrationName | None = None
    period_seconds: Period | None = None
    grace_seconds: Grace | None = None


class RotateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    grace_hours: int = Field(default=24, ge=0, le=720, description="How long the old key works.")


class HeartbeatOut(BaseModel):
    """Where a heartbeat stands: `new` (never checked in), `up`, `running` (started, not
    finished), `down` (late) or `failed` (the job said so)."""

    model_config = ConfigDict(from_attributes=True)

    status: Literal["new", "up", "running", "down", "failed"]
    period_seconds: int
    grace_seconds: int
    last_ping_at: datetime | None
    last_start_at: datetime | None
    deadline_at: datetime | None = Field(description="Late after this; null while down.")
    down_since: datetime | None


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
    heartbeat: HeartbeatOut | None = Field(
        default=None, description="Heartbeats only: status, timing and last check-ins."
    )


class IntegrationKey(IntegrationOut):
    key: str = Field(description="The secret key; shown only in this response.")
    url: str = Field(
        description="Where the source sends (for PagerDuty: the key is the routing key)."
    )
