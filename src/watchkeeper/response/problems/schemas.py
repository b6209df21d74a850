"""What the API accepts and returns for problem records."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from watchkeeper.core.ids import Id
from watchkeeper.core.patch import Patch
from watchkeeper.core.text import Multiline, NonBlank

Title = Annotated[NonBlank, Field(max_length=255)]
Text = Annotated[Multiline, Field(max_length=20_000)]


class Status(enum.StrEnum):
    NEW = "new"
    INVESTIGATING = "investigating"
    KNOWN_ERROR = "known_error"
    RESOLVED = "resolved"


class ProblemCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    incident_ids: list[Id] = Field(default_factory=list, max_length=200)
    owner_id: Id | None = None
    root_cause: Text = ""
    workaround: Text = ""


class ProblemUpdate(Patch):
    nullable = frozenset({"owner_id"})

    title: Title | None = None
    status: Status | None = Field(default=None, description="`known_error` needs a workaround.")
    owner_id: Id | None = None
    root_cause: Text | None = None
    workaround: Text | None = None


class LinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    incident_ids: list[Id] = Field(min_length=1, max_length=200)


class LinkedIncident(BaseModel):
    id: int
    title: str
    priority: str
    status: str
    service_id: int
    created_at: datetime


class ProblemOut(BaseModel):
    id: int
    number: str
    title: str
    status: Status
    owner_id: int | None
    root_cause: str
    workaround: str
    incidents: list[LinkedIncident]
    action_item_ids: list[int]
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
