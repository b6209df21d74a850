"""What the API accepts and returns for incidents, their tasks and timelines."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from watchkeeper.catalog.services.schemas import Tags
from watchkeeper.core.ids import Id
from watchkeeper.core.patch import Patch
from watchkeeper.core.text import Multiline, NonBlank
from watchkeeper.core.validation import described

Title = Annotated[NonBlank, Field(max_length=255)]
Markdown = Annotated[Multiline, Field(max_length=20_000)]
Level = Annotated[int, Field(ge=1, le=4)]
PriorityLabel = Annotated[
    str, Field(pattern=described(r"^P[1-5]$", "use P1 to P5"), examples=["P2"])
]
Reason = Annotated[NonBlank, Field(max_length=2000)]


class ResolutionCode(enum.StrEnum):
    FIXED = "fixed"
    WORKAROUND = "workaround"
    THIRD_PARTY = "third_party"
    NO_FAULT_FOUND = "no_fault_found"
    KNOWN_ERROR = "known_error"
    DUPLICATE = "duplicate"
    CANCELLED = "cancelled"


class Source(enum.StrEnum):
    MANUAL = "manual"
    API = "api"
    ALERT = "alert"
    EMAIL = "email"


class IncidentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    service_id: Id
    description: Markdown = ""
    impact: Level = Field(default=3, description="1 extensive, 2 significant, 3 moderate, 4 minor")
    urgency: Level = Field(default=3, description="1 critical, 2 high, 3 medium, 4 low")
    priority: PriorityLabel | None = Field(
        default=None, description="Override the matrix; needs `priority_reason`."
    )
    priority_reason: Reason | None = None
    category_id: Id | None = None
    assignee_id: Id | None = None
    tags: Tags = Field(default_factory=list)
    customer_impact: Markdown = ""

    @model_validator(mode="after")
    def _reason_with_override(self) -> IncidentCreate:
        if self.priority is not None and not self.priority_reason:
            raise ValueError("a priority override needs a priority_reason")
        return self


class IncidentUpdate(Patch):
    nullable = frozenset(
        {
            "category_id",
            "assignee_id",
            "commander_id",
            "communications_lead_id",
            "scribe_id",
            "priority",
        }
    )

    title: Title | None = None
    description: Markdown | None = None
    service_id: Id | None = None
    category_id: Id | None = None
    impact: Level | None = None
    urgency: Level | None = None
    priority: PriorityLabel | None = Field(
        default=None,
        description="Override the matrix (with `priority_reason`); null goes back to the matrix.",
    )
    priority_reason: Reason | None = None
    tags: Tags | None = None
    customer_impact: Markdown | None = None
    assignee_id: Id | None = None
    commander_id: Id | None = None
    communications_lead_id: Id | None = None
    scribe_id: Id | None = None


class ResolveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: Markdown | None = Field(default=None, description="Added to the timeline.")


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Markdown | None = None


class CloseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    resolution_code: ResolutionCode | None = Field(
        default=None, description="Required, with notes, for P1 and P2."
    )
    resolution_notes: Markdown = ""
    root_cause: Markdown = ""


class NoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Annotated[NonBlank, Field(max_length=20_000)]


class TaskIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Annotated[NonBlank, Field(max_length=500)]
    assignee_id: Id | None = None


class TaskUpdate(Patch):
    nullable = frozenset({"assignee_id"})

    title: Annotated[NonBlank, Field(max_length=500)] | None = None
    done: bool | None = None
    assignee_id: Id | None = None


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    incident_ids: list[Id] = Field(
        min_length=1, description="Incidents to merge into this one; each closes as a duplicate."
    )


class LinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    incident_id: Id


class ClockOut(BaseModel):
    target_minutes: int
    due_at: datetime
    state: str = Field(description="pending, met or breached")
    paused: bool
    seconds_left: int | None = Field(description="Negative when overdue; null once decided.")


class SlaOut(BaseModel):
    acknowledge: ClockOut
    resolve: ClockOut


class IncidentOut(BaseModel):
    id: int
    number: int
    title: str
    description: str
    service_id: int
    category_id: int | None
    impact: int
    urgency: int
    priority: str
    priority_overridden: bool
    priority_basis: str = Field(
        description='Why it got its priority when it opened, e.g. "P1 from '
        "severity=critical: impact 1 extensive (service default), urgency 1 critical "
        '(severity critical)"; empty for incidents people declared or reprioritised.'
    )
    status: str
    source: str
    tags: list[str]
    customer_impact: str
    assignee_id: int | None
    commander_id: int | None
    communications_lead_id: int | None
    scribe_id: int | None
    created_by_id: int | None
    created_at: datetime
    updated_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    resolution_code: str | None
    resolution_notes: str
    root_cause: str
    merged_into_id: int | None
    reopened_count: int
    sla: SlaOut
    allowed_actions: list[str]


class TaskOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    incident_id: int
    title: str
    done: bool
    assignee_id: int | None
    created_at: datetime
    done_at: datetime | None


class TimelineEntryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    actor: str
    actor_id: int | None
    kind: str
    summary: str
    data: dict[str, Any]
    starred: bool = Field(default=False, description="Starred for the postmortem.")
