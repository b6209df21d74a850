"""What the API accepts and returns for services."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from watchkeeper.catalog.teams.schemas import Description, Slug
from watchkeeper.core.alert_priority import DEFAULT_SERVICE_IMPACT
from watchkeeper.core.ids import Id
from watchkeeper.core.patch import Patch
from watchkeeper.core.text import NonBlank
from watchkeeper.core.validation import described

ServiceName = Annotated[NonBlank, Field(max_length=100)]
TAG_PATTERN = described(
    r"^[\w.:/-]+$", "use letters, digits, '_', '.', ':', '/' or '-', without spaces"
)
Tag = Annotated[str, Field(min_length=1, max_length=50, pattern=TAG_PATTERN)]
Tags = Annotated[list[Tag], Field(max_length=30)]
GroupBy = Annotated[list[Annotated[str, Field(min_length=1, max_length=100)]], Field(max_length=10)]
GroupWindow = Annotated[int, Field(ge=1, le=7 * 24 * 60)]
Impact = Annotated[
    int,
    Field(
        ge=1,
        le=4,
        description="Impact of incidents its alerts open (1 extensive, 2 significant, "
        "3 moderate, 4 minor), unless the severity table or a routing rule sets one.",
    ),
]


class ServiceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ServiceName
    slug: Slug | None = Field(default=None, description="URL name; derived from the name.")
    description: Description = ""
    owner_team_id: Id | None = None
    tags: Tags = Field(default_factory=list)
    depends_on: list[Id] = Field(
        default_factory=list, description="Ids of services this one depends on."
    )
    auto_resolve: bool = Field(
        default=True, description="Resolve an incident when its last alert resolves."
    )
    group_by: GroupBy = Field(
        default_factory=list,
        description="Alerts with equal values of these labels join one open incident; "
        "empty: one incident per alert.",
    )
    group_window_minutes: GroupWindow = 60
    default_impact: Impact = DEFAULT_SERVICE_IMPACT
    escalation_policy_id: Id | None = Field(
        default=None, description="Who gets paged for this service's incidents."
    )


class ServiceUpdate(Patch):
    nullable = frozenset({"owner_team_id", "escalation_policy_id"})

    name: ServiceName | None = None
    slug: Slug | None = None
    description: Description | None = None
    owner_team_id: Id | None = None
    tags: Tags | None = None
    depends_on: list[Id] | None = Field(
        default=None, description="Replaces the list of services this one depends on."
    )
    auto_resolve: bool | None = None
    group_by: GroupBy | None = None
    group_window_minutes: GroupWindow | None = None
    default_impact: Impact | None = None
    escalation_policy_id: Id | None = None


class ServiceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    slug: str
    description: str
    owner_team_id: int | None
    tags: list[str]
    depends_on: list[int] = Field(default_factory=list)
    auto_resolve: bool
    group_by: list[str]
    group_window_minutes: int
    default_impact: int = DEFAULT_SERVICE_IMPACT
    escalation_policy_id: int | None = None
    status: Literal["operational", "degraded"] = Field(
        default="operational", description="`degraded` while the service has open incidents."
    )
    created_at: datetime
    updated_at: datetime
