"""What the API accepts and returns for status pages, components, public incidents,
maintenance and update templates."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

from watchkeeper.catalog.teams.schemas import Slug
from watchkeeper.catalog.users.schemas import TimeZone
from watchkeeper.core.ids import Id
from watchkeeper.core.patch import Patch
from watchkeeper.core.text import Multiline, NonBlank
from watchkeeper.core.urls import is_safe_link
from watchkeeper.core.validation import described
from watchkeeper.response.statuspage.status import ComponentStatus

Title = Annotated[NonBlank, Field(max_length=200)]
Visibility = Literal["public", "logged_in"]
DOMAIN_PATTERN = described(
    r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
    "write a host name such as status.example.com, in lower case",
)
Domain = Annotated[str, Field(max_length=253, pattern=DOMAIN_PATTERN)]
IncidentState = Literal["investigating", "identified", "monitoring", "resolved"]
MaintenanceState = Literal["scheduled", "in_progress", "completed"]
Body = Annotated[Multiline, Field(min_length=1, max_length=20_000)]


def _web_link(value: str) -> str:
    if value and not (is_safe_link(value) and value.lower().startswith(("http://", "https://"))):
        raise ValueError("must be an http or https URL")
    return value


WebLink = Annotated[str, Field(max_length=500), AfterValidator(_web_link)]
PriorityStatus = Annotated[
    dict[Literal["1", "2", "3", "4", "5"], ComponentStatus],
    Field(description='Priority -> component status, e.g. {"1": "major_outage"}.'),
]
Affected = Annotated[
    dict[Id, ComponentStatus],
    Field(max_length=200, description="Component id -> the status this incident gives it."),
]


class PageCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    slug: Slug
    title: Title
    logo_url: WebLink = ""
    time_zone: TimeZone = "UTC"
    custom_domain: Domain | None = None
    visibility: Visibility = "public"
    priority_status: PriorityStatus = Field(default_factory=dict)


class PageUpdate(Patch):
    nullable = frozenset({"custom_domain"})

    slug: Slug | None = None
    title: Title | None = None
    logo_url: WebLink | None = None
    time_zone: TimeZone | None = None
    custom_domain: Domain | None = None
    visibility: Visibility | None = None
    priority_status: PriorityStatus | None = None


class PageOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    slug: str
    title: str
    logo_url: str
    time_zone: str
    custom_domain: str | None
    visibility: str
    priority_status: dict[str, str] = Field(description="With the defaults filled in.")
    created_at: datetime
    updated_at: datetime


class GroupCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Title
    position: int = Field(default=0, ge=0, le=10_000)


class GroupOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    page_id: int
    name: str
    position: int


class ComponentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Title
    description: Annotated[Multiline, Field(max_length=2_000)] = ""
    group_id: Id | None = None
    position: int = Field(default=0, ge=0, le=10_000)
    service_ids: list[Id] = Field(default_factory=list, max_length=100)


class ComponentUpdate(Patch):
    nullable = frozenset({"group_id", "manual_status"})

    name: Title | None = None
    description: Annotated[Multiline, Field(max_length=2_000)] | None = None
    group_id: Id | None = None
    position: int | None = Field(default=None, ge=0, le=10_000)
    service_ids: list[Id] | None = Field(default=None, max_length=100)
    manual_status: ComponentStatus | None = Field(
        default=None, description="Set by hand and kept until cleared with null."
    )


class ComponentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    page_id: int
    group_id: int | None
    name: str
    description: str
    position: int
    status: str
    manual_status: str | None
    service_ids: list[int] = Field(default_factory=list)
    uptime_90d: float | None = Field(default=None, description="Percent over 90 days.")
    created_at: datetime
    updated_at: datetime


class UpdateCreate(BaseModel):
    """An update: `body` as written, or from a template (its placeholders filled)."""

    model_config = ConfigDict(extra="forbid")

    state: IncidentState | MaintenanceState
    body: Body | None = None
    template_id: Id | None = None
    affected: Affected | None = Field(
        default=None, description="Replaces the affected components; absent keeps them."
    )
    publish: bool = Field(default=False, description="Publish now, or keep as a draft.")


class IncidentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Title
    incident_id: Id | None = Field(default=None, description="The internal incident it tells.")
    postmortem_url: WebLink = ""
    update: UpdateCreate


class MaintenanceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Title
    scheduled_for: AwareDatetime
    scheduled_until: AwareDatetime
    component_ids: list[Id] = Field(min_length=1, max_length=200)
    body: Body
    silence_alerts: bool = Field(
        default=False,
        description="Also create a maintenance window on each of the components' services.",
    )
    publish: bool = True


class IncidentEdit(Patch):
    name: Title | None = None
    postmortem_url: WebLink | None = None


class UpdateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    state: str
    body: str
    affected: dict[str, str]
    created_at: datetime
    published_at: datetime | None


class PublicIncidentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    page_id: int
    kind: str
    incident_id: int | None
    name: str
    state: str
    affected: dict[str, str]
    scheduled_for: datetime | None
    scheduled_until: datetime | None
    window_ids: list[int]
    postmortem_url: str
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None
    resolved_at: datetime | None
    updates: list[UpdateOut] = Field(default_factory=list)


class TemplateCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[NonBlank, Field(max_length=100)]
    state: IncidentState | MaintenanceState
    body: Body


class TemplateUpdate(Patch):
    name: Annotated[NonBlank, Field(max_length=100)] | None = None
    state: IncidentState | MaintenanceState | None = None
    body: Body | None = None


class TemplateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    state: str
    body: str
