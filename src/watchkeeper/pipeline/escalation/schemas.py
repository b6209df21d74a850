"""What the API accepts and returns for escalation policies and manual pages."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from watchkeeper.core.ids import Id
from watchkeeper.core.patch import Patch
from watchkeeper.core.text import NonBlank


class Target(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["user", "schedule", "team"]
    id: Id


class LevelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    targets: list[Target] = Field(min_length=1, max_length=20)
    delay_minutes: int = Field(
        default=30, ge=1, le=1440, description="Wait this long for an acknowledgement."
    )


class PolicyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[NonBlank, Field(max_length=100)]
    description: str = Field(default="", max_length=2000)
    team_id: Id | None = None
    repeat: int = Field(default=0, ge=0, le=9, description="Run the levels again N times.")
    levels: list[LevelIn] = Field(min_length=1, max_length=20)


class PolicyUpdate(Patch):
    nullable = frozenset({"team_id"})

    name: Annotated[NonBlank, Field(max_length=100)] | None = None
    description: str | None = Field(default=None, max_length=2000)
    team_id: Id | None = None
    repeat: int | None = Field(default=None, ge=0, le=9)
    levels: list[LevelIn] | None = Field(default=None, min_length=1, max_length=20)


class LevelOut(BaseModel):
    position: int
    delay_minutes: int
    targets: list[Target]


class PolicyOut(BaseModel):
    id: int
    name: str
    description: str
    team_id: int | None
    repeat: int
    levels: list[LevelOut]
    created_at: datetime
    updated_at: datetime


class PageIn(BaseModel):
    """Page people by hand: any mix of users, teams (all members) and a policy's first level."""

    model_config = ConfigDict(extra="forbid")

    user_ids: list[Id] = Field(default_factory=list, max_length=50)
    team_ids: list[Id] = Field(default_factory=list, max_length=20)
    schedule_ids: list[Id] = Field(default_factory=list, max_length=20)
    policy_id: Id | None = Field(default=None, description="Page the policy's first level.")
    message: str = Field(default="", max_length=1000)


class PageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    incident_id: int
    user_id: int
    reason: str
    level: int | None
    urgency: str
    created_at: datetime
