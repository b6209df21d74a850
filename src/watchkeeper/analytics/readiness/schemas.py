"""What the coverage report and the escalation simulator take and return."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from watchkeeper.catalog.users.schemas import TimeZone
from watchkeeper.core.ids import Id
from watchkeeper.core.text import NonBlank
from watchkeeper.pipeline.correlate.noise.schemas import SampleType

Kind = Literal[
    "schedule_gap",
    "no_verified_contact",
    "no_high_urgency_rule",
    "policy_reaches_nobody",
    "service_without_policy",
    "single_person_policy",
    "silent_integration",
    "failing_contact_method",
]
KINDS: tuple[Kind, ...] = (
    "schedule_gap",
    "no_verified_contact",
    "no_high_urgency_rule",
    "policy_reaches_nobody",
    "service_without_policy",
    "single_person_policy",
    "silent_integration",
    "failing_contact_method",
)


class Finding(BaseModel):
    """One thing that would make a page go wrong, and the page where it is fixed."""

    key: str = Field(description="Stable identity: the same problem has the same key.")
    kind: Kind
    team_id: int | None
    subject: str = Field(description="What it is about: a schedule, user, policy, service...")
    detail: str
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    fix_url: str = Field(description="The page that fixes it.")


class CoverageOut(BaseModel):
    at: datetime
    team_id: int | None
    horizon_days: int
    counts: dict[str, int]
    findings: list[Finding]


class SimulationIn(BaseModel):
    """An alert payload, or just a service, at a moment: who would be paged, and how."""

    model_config = ConfigDict(extra="forbid")

    service_id: Id | None = Field(
        default=None, description="The service that receives it; or give `policy_id`."
    )
    policy_id: Id | None = Field(
        default=None, description="Simulate a page through this policy (no service needed)."
    )
    type: SampleType | None = Field(default=None, description="The payload's format.")
    payload: Any = Field(default=None, description="The body the source would send.")
    summary: Annotated[NonBlank, Field(max_length=200)] = "Simulated alert"
    severity: Literal["critical", "error", "warning", "info"] = "critical"
    at: datetime | None = Field(
        default=None, description="When; a time without offset is a wall time in `zone`."
    )
    zone: TimeZone = "UTC"
    hours: int = Field(default=24, ge=1, le=168, description="How far ahead to follow it.")

    @field_validator("at")
    @classmethod
    def _within_reach(cls, value: datetime | None) -> datetime | None:
        # Schedules resolve and clocks step within these years (no overflow at the edges).
        if value is not None and not 1971 <= value.year < 9000:
            raise ValueError("must be between 1971 and 9000")
        return value


class Delivery(BaseModel):
    at: datetime
    kind: str  # email, apprise, webhook
    label: str


class PageStep(BaseModel):
    user_id: int
    login: str
    urgency: str
    reason: str
    deliveries: list[Delivery]
    unreachable: bool = Field(description="No verified contact method: nobody is told.")


class LevelStep(BaseModel):
    at: datetime
    level: int | None
    reason: str
    pages: list[PageStep]


class EventStep(BaseModel):
    index: int
    summary: str
    verdict: str
    reason: str


class SimulationOut(BaseModel):
    at: datetime
    zone: str
    service_id: int
    events: list[EventStep]
    steps: list[LevelStep]
    notes: list[str]
