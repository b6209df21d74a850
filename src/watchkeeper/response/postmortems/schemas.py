"""What the API accepts and returns for postmortems, and the facts a draft is built from."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from watchkeeper.core.ids import Id
from watchkeeper.core.patch import Patch
from watchkeeper.core.text import Multiline, NonBlank

Title = Annotated[NonBlank, Field(max_length=255)]
Body = Annotated[Multiline, Field(max_length=100_000)]
Summary = Annotated[Multiline, Field(max_length=5_000)]
Section = Annotated[NonBlank, Field(max_length=100)]

DEFAULT_SECTIONS = (
    "Summary",
    "Impact",
    "Timeline",
    "Root cause",
    "Contributing factors",
    "What went well",
    "What went badly",
    "Where we got lucky",
    "Action items",
)


class Status(enum.StrEnum):
    DRAFT = "draft"
    IN_REVIEW = "in_review"
    PUBLISHED = "published"


class Milestones(BaseModel):
    """The moments of an incident, UTC. `started_at` is the first alert (or the
    declaration), `detected_at` when Watchkeeper opened the incident."""

    started_at: datetime
    detected_at: datetime
    acknowledged_at: datetime | None = None
    mitigated_at: datetime | None = None
    resolved_at: datetime | None = None
    closed_at: datetime | None = None


class SlaOutcome(BaseModel):
    clock: str  # acknowledge, resolve
    state: str  # met, breached, pending
    due_at: datetime
    # Met by this many seconds (positive) or breached by (negative); None while pending.
    margin_seconds: int | None


class AlertFact(BaseModel):
    id: int
    summary: str
    severity: str
    fingerprint: str
    first_seen_at: datetime
    count: int


class ChangeFact(BaseModel):
    occurred_at: datetime
    summary: str
    source: str


class TimelineFact(BaseModel):
    id: int
    incident_id: int
    at: datetime
    actor: str
    kind: str
    summary: str
    starred: bool


class Facts(BaseModel):
    """What the incident's record said when the draft was made."""

    incident_ids: list[int]
    title: str
    priority: str
    service: str
    dependents: list[str]
    milestones: Milestones
    sla: list[SlaOutcome]
    paged: list[str]
    responders: list[str]
    alerts: list[AlertFact]
    changes: list[ChangeFact]
    timeline: list[TimelineFact]


class PostmortemCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    owner_id: Id | None = Field(default=None, description="Default: whoever creates it.")
    also_incident_ids: list[Id] = Field(
        default_factory=list, max_length=50, description="Merged or related incidents it covers."
    )


class PostmortemUpdate(Patch):
    nullable = frozenset({"mitigated_at"})

    title: Title | None = None
    body: Body | None = None
    owner_id: Id | None = None
    mitigated_at: datetime | None = Field(
        default=None, description="When the impact stopped (null: not known)."
    )
    public: bool | None = None
    public_summary: Summary | None = Field(
        default=None, description="What the status page may show (a later release shows it)."
    )


class ReviewersIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_ids: list[Id] = Field(min_length=1, max_length=20)


class TemplateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sections: list[Section] = Field(min_length=1, max_length=30)


class TemplateOut(BaseModel):
    sections: list[str]
    is_default: bool


class StarIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starred: bool


class DurationOut(BaseModel):
    name: str
    seconds: int | None


class ReviewOut(BaseModel):
    user_id: int
    login: str
    requested_at: datetime
    approved_at: datetime | None


class PostmortemOut(BaseModel):
    id: int
    incident_id: int
    incident_ids: list[int]
    title: str
    status: Status
    owner_id: int | None
    body: str
    facts: Facts
    durations: list[DurationOut]
    mitigated_at: datetime | None
    public: bool
    public_summary: str
    reviews: list[ReviewOut]
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None


class DueOut(BaseModel):
    incident_id: int
    title: str
    priority: str
    closed_at: datetime
    due_at: datetime
    overdue: bool
    postmortem_id: int | None
    postmortem_status: Status | None
    owner_id: int | None
