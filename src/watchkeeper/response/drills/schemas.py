"""What the API accepts and returns for drills and their runs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from watchkeeper.catalog.users.schemas import TimeZone
from watchkeeper.core.ids import Id
from watchkeeper.core.text import NonBlank

PREFIX = "[DRILL]"


class DrillCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[NonBlank, Field(max_length=100)]
    service_id: Id = Field(description="The service whose pipeline the test event goes into.")
    ack_limit_minutes: int = Field(
        default=15, ge=1, le=1440, description="Unacknowledged after this: reported."
    )
    cron: Annotated[NonBlank, Field(max_length=100)] | None = Field(
        default=None,
        description="Fire on a schedule, e.g. `0 10 1-7 * mon` (first Monday, 10:00).",
    )
    zone: TimeZone = Field(default="UTC", description="The zone `cron` is read in.")


class Paged(BaseModel):
    user_id: int
    login: str
    at: datetime


class DrillRunOut(BaseModel):
    id: int
    drill_id: int
    fired_at: datetime
    status: str
    incident_id: int | None
    deadline_at: datetime
    paged: list[Paged]
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    ack_seconds: int | None
    reported_at: datetime | None


class DrillOut(BaseModel):
    id: int
    name: str
    service_id: int
    ack_limit_minutes: int
    cron: str | None
    zone: str
    next_at: datetime | None
    created_at: datetime


class TrainingDrill(BaseModel):
    run_id: int
    drill: str
    fired_at: datetime
    paged_at: datetime
    status: str
    acknowledged_by_them: bool
    ack_seconds: int | None = Field(description="When they acknowledged it: how long it took.")


class TrainingRecord(BaseModel):
    """The drills a person was paged by, and how fast they answered."""

    user_id: int
    login: str
    drills_paged: int
    drills_acknowledged: int
    median_ack_seconds: float | None
    drills: list[TrainingDrill]
