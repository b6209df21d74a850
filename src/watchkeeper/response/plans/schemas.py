"""What the API accepts and returns for response plans."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from watchkeeper.core.ids import Id
from watchkeeper.core.patch import Patch
from watchkeeper.core.text import Multiline, NonBlank
from watchkeeper.response.kb.schemas import MatcherText

Name = Annotated[NonBlank, Field(max_length=200)]
Priority = Annotated[int, Field(ge=1, le=5, description="1 is P1, the most urgent.")]


class Role(enum.StrEnum):
    """Who on the incident owns a step; the task goes to whoever holds the role."""

    ASSIGNEE = "assignee"
    COMMANDER = "commander"
    COMMUNICATIONS_LEAD = "communications_lead"
    SCRIBE = "scribe"


class StepIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Annotated[NonBlank, Field(max_length=500)]
    role: Role | None = None
    article_id: Id | None = None


class PlanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    description: Annotated[Multiline, Field(max_length=5_000)] = ""
    enabled: bool = True
    service_id: Id | None = Field(default=None, description="None: any service.")
    category_id: Id | None = Field(default=None, description="None: any category.")
    priority_min: Priority = 1
    priority_max: Priority = 5
    matchers: list[MatcherText] = Field(
        default_factory=list,
        max_length=20,
        description="An alert of the incident must match all of them (none: any incident).",
    )
    steps: list[StepIn] = Field(default_factory=list, max_length=50)
    article_ids: list[Id] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _range(self) -> Self:
        if self.priority_min > self.priority_max:
            raise ValueError("priority_min must not be above priority_max (P1 is 1)")
        return self


class PlanUpdate(Patch):
    nullable = frozenset({"service_id", "category_id"})

    name: Name | None = None
    description: Annotated[Multiline, Field(max_length=5_000)] | None = None
    enabled: bool | None = None
    service_id: Id | None = None
    category_id: Id | None = None
    priority_min: Priority | None = None
    priority_max: Priority | None = None
    matchers: list[MatcherText] | None = Field(default=None, max_length=20)
    steps: list[StepIn] | None = Field(default=None, max_length=50)
    article_ids: list[Id] | None = Field(default=None, max_length=20)


class StepOut(BaseModel):
    text: str
    role: Role | None
    article_id: int | None


class PlanOut(BaseModel):
    id: int
    name: str
    description: str
    enabled: bool
    service_id: int | None
    category_id: int | None
    priority_min: int
    priority_max: int
    matchers: list[str]
    steps: list[StepOut]
    article_ids: list[int]
    created_at: datetime
    updated_at: datetime


class AttachedArticle(BaseModel):
    id: int
    title: str


class AttachedPlan(BaseModel):
    """A plan on an incident: what it says to do, its articles and its tasks' ids."""

    plan_id: int
    name: str
    description: str
    attached_at: datetime
    articles: list[AttachedArticle]
    task_ids: list[int]
