"""What the API accepts and returns for schedules, layers, overrides and shifts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    NaiveDatetime,
    WithJsonSchema,
    model_validator,
)

from watchkeeper.catalog.teams.schemas import Description
from watchkeeper.catalog.users.schemas import TimeZone
from watchkeeper.core.ids import Id
from watchkeeper.core.patch import Patch
from watchkeeper.core.text import NonBlank
from watchkeeper.core.validation import described

Rotation = Literal["daily", "weekly", "hours", "days"]
ScheduleName = Annotated[NonBlank, Field(max_length=100)]
LayerName = Annotated[NonBlank, Field(max_length=100)]
WallClock = Annotated[
    str,
    Field(
        pattern=described(r"^([01]\d|2[0-3]):[0-5]\d$", "use a time of day such as 09:00"),
        description="Wall time `HH:MM`.",
    ),
]
MAX_LENGTH = {"daily": 1, "weekly": 1, "hours": 24 * 365, "days": 365}


def _minutes(value: datetime) -> datetime:
    return value.replace(second=0, microsecond=0)


LocalDateTime = Annotated[
    NaiveDatetime,
    AfterValidator(_minutes),
    Field(description="Wall time in the schedule's zone, without offset: `2026-03-02T09:00`."),
]
# In answers: the same wall time, which is not an RFC 3339 date-time (it has no offset).
WallTimeOut = Annotated[
    datetime,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$",
            "description": "Wall time in the schedule's zone, without offset.",
        }
    ),
]
Weekday = Annotated[int, Field(ge=0, le=6)]


def _distinct(days: list[int]) -> list[int]:
    return sorted(set(days))


Participants = Annotated[
    list[Id],
    Field(min_length=1, max_length=100, description="User ids in turn order; repeats allowed."),
]


class Restriction(BaseModel):
    """On each of `days` (Monday=0) from `start` to `end`; an `end` at or before `start`
    ends the next day (00:00-00:00 is the whole day)."""

    model_config = ConfigDict(extra="forbid")

    days: Annotated[list[Weekday], AfterValidator(_distinct)] = Field(min_length=1, max_length=7)
    start: WallClock
    end: WallClock


Restrictions = Annotated[list[Restriction], Field(max_length=50)]


class ScheduleCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ScheduleName
    description: Description = ""
    owner_team_id: Id | None = None
    time_zone: TimeZone = Field(description="IANA zone the layers' wall times are in.")


class ScheduleUpdate(Patch):
    nullable = frozenset({"owner_team_id"})

    name: ScheduleName | None = None
    description: Description | None = None
    owner_team_id: Id | None = None
    time_zone: TimeZone | None = None


class LayerCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: LayerName
    position: int | None = Field(
        default=None, ge=0, le=1000, description="Higher wins; default: above the others."
    )
    participants: Participants
    rotation: Rotation
    rotation_length: int = Field(
        default=1, ge=1, le=max(MAX_LENGTH.values()), description="N of `hours` and `days`."
    )
    handoff_time: WallClock = "09:00"
    start: LocalDateTime
    end: LocalDateTime | None = None
    restrictions: Restrictions = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> LayerCreate:
        if self.rotation_length > MAX_LENGTH[self.rotation]:
            most = MAX_LENGTH[self.rotation]
            raise ValueError(f"rotation_length of a {self.rotation} rotation is at most {most}")
        if self.end is not None and self.end <= self.start:
            raise ValueError("end must come after start")
        return self


class LayerUpdate(Patch):
    nullable = frozenset({"end"})

    name: LayerName | None = None
    position: int | None = Field(default=None, ge=0, le=1000)
    participants: Participants | None = None
    rotation: Rotation | None = None
    rotation_length: int | None = Field(default=None, ge=1, le=max(MAX_LENGTH.values()))
    handoff_time: WallClock | None = None
    start: LocalDateTime | None = None
    end: LocalDateTime | None = None
    restrictions: Restrictions | None = None


class LayerOut(BaseModel):
    id: int
    name: str
    position: int
    participants: list[int]
    rotation: Rotation
    rotation_length: int
    handoff_time: str
    start: WallTimeOut
    end: WallTimeOut | None
    restrictions: list[Restriction]


class ScheduleOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    description: str
    owner_team_id: int | None
    time_zone: str
    layers: list[LayerOut] = Field(default_factory=list)
    has_ical_feed: bool = Field(default=False, description="Whether a feed URL was issued.")
    created_at: datetime
    updated_at: datetime


class OverrideCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: Id
    starts_at: AwareDatetime
    ends_at: AwareDatetime


class OverrideOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    schedule_id: int
    user_id: int
    starts_at: datetime
    ends_at: datetime
    created_by_id: int | None
    created_at: datetime


class ShiftOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    user_id: int
    start: datetime
    end: datetime
    layer_id: int | None = Field(description="The layer that put the user on call.")
    override_id: int | None = Field(description="Or the override that did.")


class LayerShifts(BaseModel):
    layer_id: int
    name: str
    shifts: list[ShiftOut]


class ShiftsOut(BaseModel):
    schedule_id: int
    start: datetime
    end: datetime
    final: list[ShiftOut]
    layers: list[LayerShifts] | None = Field(
        default=None, description="Each layer's own shifts, highest first (`layers=true`)."
    )


class UserBrief(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    login: str
    name: str


class OnCallOut(BaseModel):
    schedule_id: int
    schedule_name: str
    at: datetime
    user_ids: list[int]
    users: list[UserBrief]
    until: datetime | None = Field(
        description="When the current on-call shift ends (null: nobody, or beyond 60 days)."
    )


class FeedOut(BaseModel):
    url: str = Field(description="The calendar feed URL; shown once, keep it secret.")
