"""What the API accepts and returns for routing rules, silences, maintenance windows,
inhibition rules and the rules test."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
)

from watchkeeper.catalog.services.schemas import Tags
from watchkeeper.catalog.users.schemas import TimeZone
from watchkeeper.core.ids import MAX_ID, Id
from watchkeeper.core.matchers import Matcher, parse
from watchkeeper.core.patch import Patch
from watchkeeper.core.text import NonBlank

MAX_MATCHERS = 30
MAX_SILENCE_DAYS = 90
MAX_WEEKLY_MINUTES = 7 * 24 * 60


def _matcher_from_text(value: Any) -> Any:
    return parse(value) if isinstance(value, str) else value


def _in_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


MatcherItem = Annotated[
    Matcher, BeforeValidator(_matcher_from_text, json_schema_input_type=Matcher | str)
]
MATCHERS_HELP = (
    'Objects `{"name", "op", "value"}` or text such as `alertname="Disk"`; all must match.'
)
Matchers = Annotated[list[MatcherItem], Field(max_length=MAX_MATCHERS, description=MATCHERS_HELP)]
SomeMatchers = Annotated[
    list[MatcherItem], Field(min_length=1, max_length=MAX_MATCHERS, description=MATCHERS_HELP)
]
Name = Annotated[NonBlank, Field(max_length=100)]
Level = Annotated[int, Field(ge=1, le=4)]
Time = Annotated[AwareDatetime, AfterValidator(_in_utc)]
LabelNames = Annotated[
    list[Annotated[str, Field(min_length=1, max_length=100)]], Field(max_length=20)
]


class RoutingRuleFields(BaseModel):
    """What a routing rule matches and does; every field but `name` has a default."""

    model_config = ConfigDict(extra="forbid")

    name: Name
    enabled: bool = True
    matchers: Matchers = Field(default_factory=list)
    set_service_id: Id | None = Field(default=None, description="Move the alert to this service.")
    set_impact: Level | None = Field(default=None, description="1 extensive .. 4 minor.")
    set_urgency: Level | None = Field(default=None, description="1 critical .. 4 low.")
    set_category_id: Id | None = None
    add_tags: Tags = Field(default_factory=list, description="Tags for the incident it opens.")
    drop: bool = Field(default=False, description="Discard the event: no alert at all.")
    suppress: bool = Field(default=False, description="Keep the alert but never page.")
    continue_matching: bool = Field(
        default=False, description="Let later matching rules fill what this one leaves unset."
    )


class RoutingRuleCreate(RoutingRuleFields):
    position: int | None = Field(
        default=None, ge=1, le=MAX_ID, description="1 is first; default: after the last rule."
    )


class RoutingRuleUpdate(Patch):
    nullable = frozenset({"set_service_id", "set_impact", "set_urgency", "set_category_id"})

    name: Name | None = None
    enabled: bool | None = None
    matchers: Matchers | None = None
    set_service_id: Id | None = None
    set_impact: Level | None = None
    set_urgency: Level | None = None
    set_category_id: Id | None = None
    add_tags: Tags | None = None
    drop: bool | None = None
    suppress: bool | None = None
    continue_matching: bool | None = None


class MoveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    position: int = Field(ge=1, le=MAX_ID, description="1 is first; past the end means last.")


class RoutingRuleOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    position: int
    name: str
    enabled: bool
    matchers: list[Matcher]
    set_service_id: int | None
    set_impact: int | None
    set_urgency: int | None
    set_category_id: int | None
    add_tags: list[str]
    drop: bool
    suppress: bool
    continue_matching: bool
    created_at: datetime
    updated_at: datetime


class SilenceCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    matchers: SomeMatchers
    service_id: Id | None = Field(default=None, description="Only this service's alerts.")
    starts_at: Time | None = Field(default=None, description="Default: now.")
    ends_at: Time = Field(description=f"After the start, at most {MAX_SILENCE_DAYS} days later.")
    comment: Annotated[NonBlank, Field(max_length=2000, description="Why; shown to everyone.")]


SilenceState = Literal["active", "pending", "expired"]


class SilenceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    matchers: list[Matcher]
    service_id: int | None
    starts_at: datetime
    ends_at: datetime
    comment: str
    created_by_id: int | None
    created_at: datetime
    state: SilenceState = Field(
        default="active", description="`pending` until it starts, `expired` once it ended."
    )


class WindowCreate(BaseModel):
    """A one-off window (`starts_at`, `ends_at`) or a weekly one (`weekdays`, `start_time`,
    `duration_minutes`), never both."""

    model_config = ConfigDict(extra="forbid")

    service_id: Id
    name: Name
    time_zone: TimeZone = Field(default="UTC", description="IANA name, e.g. Europe/Berlin.")
    starts_at: Time | None = None
    ends_at: Time | None = None
    weekdays: list[Annotated[int, Field(ge=0, le=6)]] | None = Field(
        default=None, max_length=7, description="0 is Monday .. 6 Sunday."
    )
    start_time: str | None = Field(
        default=None,
        pattern=r"^([01]\d|2[0-3]):[0-5]\d$",
        description='Local "HH:MM" in `time_zone`.',
    )
    duration_minutes: int | None = Field(default=None, ge=1, le=MAX_WEEKLY_MINUTES)


class WindowOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    service_id: int
    name: str
    time_zone: str
    starts_at: datetime | None
    ends_at: datetime | None
    weekdays: list[int] | None
    start_time: str | None
    duration_minutes: int | None
    created_by_id: int | None
    created_at: datetime
    active: bool = Field(default=False, description="Whether it holds alerts back right now.")
    next_start_at: datetime | None = Field(
        default=None, description="When it next begins (after now); null if never again."
    )


class InhibitionFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    enabled: bool = True
    source_matchers: SomeMatchers
    target_matchers: SomeMatchers
    equal: LabelNames = Field(
        default_factory=list, description="Labels that must have the same value on both alerts."
    )


class InhibitionUpdate(Patch):
    name: Name | None = None
    enabled: bool | None = None
    source_matchers: SomeMatchers | None = None
    target_matchers: SomeMatchers | None = None
    equal: LabelNames | None = None


class InhibitionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    enabled: bool
    source_matchers: list[Matcher]
    target_matchers: list[Matcher]
    equal: list[str]
    created_at: datetime


SampleType = Literal["alertmanager", "grafana", "pagerduty", "generic"]


class RulesTestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: SampleType
    service_id: Id = Field(description="The service whose integration would receive it.")
    payload: Any = Field(description="The body the source would send (JSON).")


class RuleHit(BaseModel):
    """A routing rule that matched, and what it does."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    set_service_id: int | None
    set_impact: int | None
    set_urgency: int | None
    set_category_id: int | None
    add_tags: list[str]
    drop: bool
    suppress: bool
    continue_matching: bool


class RoutingOut(BaseModel):
    rules: list[RuleHit] = Field(description="The rules that applied, in order.")
    unreached: list[RuleHit] = Field(
        description="Rules that match too but come after the rule that ended matching."
    )
    service_id: int = Field(description="The service the alert belongs to after routing.")
    impact: int | None
    urgency: int | None
    category_id: int | None
    tags: list[str]
    drop: bool
    suppress: bool


class SilenceHit(BaseModel):
    id: int
    comment: str
    ends_at: datetime


class WindowHit(BaseModel):
    id: int
    name: str


class InhibitionHit(BaseModel):
    rule_id: int
    rule_name: str
    source_alert_id: int


Verdict = Literal["page", "repeat", "suppressed", "dropped", "acknowledge", "resolve", "ignored"]


class EventExplanation(BaseModel):
    """What correlation would do with one event of the sample, right now."""

    index: int
    action: str
    fingerprint: str
    summary: str
    severity: str
    labels: dict[str, str] = Field(description="What matchers see.")
    routing: RoutingOut
    silence: SilenceHit | None = Field(description="An active silence that matches it.")
    maintenance_window: WindowHit | None = Field(description="A window active on its service.")
    inhibition: InhibitionHit | None = Field(description="An open alert that inhibits it.")
    flapping: bool = Field(description="Whether a new alert of it would be flapping.")
    open_alert_id: int | None = Field(description="The open alert with its fingerprint.")
    impact: int = Field(description="Impact of an incident it would open.")
    urgency: int = Field(description="Urgency of an incident it would open.")
    priority: str = Field(description="Priority of an incident it would open (P1..P5).")
    priority_basis: str = Field(description="Why it would get that priority.")
    verdict: Verdict = Field(
        description="page (opens or joins an incident), repeat (counts on an open alert), "
        "suppressed (kept, never pages), dropped (no alert), acknowledge, resolve, "
        "ignored (nothing open to acknowledge or resolve)."
    )
    reason: str = Field(description="The verdict in words.")


class RulesTestOut(BaseModel):
    type: SampleType
    service_id: int
    at: datetime = Field(description="The moment the rules were evaluated at.")
    events: list[EventExplanation]
