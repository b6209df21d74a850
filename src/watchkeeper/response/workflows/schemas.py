"""What the API accepts and returns for workflows: a trigger, conditions, ordered actions."""

from __future__ import annotations

import enum
import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from watchkeeper.catalog.users.schemas import TimeZone
from watchkeeper.core.ids import Id
from watchkeeper.core.matchers import Matcher
from watchkeeper.core.patch import Patch
from watchkeeper.core.text import Multiline, NonBlank
from watchkeeper.incidents.schemas import Level, PriorityLabel
from watchkeeper.response import cron

Name = Annotated[NonBlank, Field(max_length=100)]
Template = Annotated[NonBlank, Field(max_length=20_000)]
Url = Annotated[NonBlank, Field(max_length=2_000)]
_CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_TAG = re.compile(r"^[A-Za-z0-9_-]{1,50}$")
STATUSES = ("acknowledged", "resolved", "on_hold", "triggered", "closed")
Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
DAYS: tuple[Day, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Trigger(enum.StrEnum):
    INCIDENT_OPENED = "incident_opened"
    PRIORITY_CHANGED = "priority_changed"  # value: the new priority (P1..P5)
    STATUS_CHANGED = "status_changed"  # value: the new status
    ALERT_ATTACHED = "alert_attached"
    SLA_WARNING = "sla_warning"
    SLA_BREACH = "sla_breach"
    NOTE_TAGGED = "note_tagged"  # value: the tag, written #tag in the note
    SCHEDULE = "schedule"  # value: a cron expression, read in the workflow's zone


class Hours(BaseModel):
    """Time of day in a zone: `start` to `end` (may wrap past midnight) on `days`."""

    model_config = ConfigDict(extra="forbid")

    zone: TimeZone
    start: str = Field(description="HH:MM", examples=["09:00"])
    end: str = Field(description="HH:MM, exclusive; before `start` wraps past midnight")
    days: list[Day] = Field(default_factory=lambda: list(DAYS))

    @model_validator(mode="after")
    def _clock_times(self) -> Hours:
        for name in ("start", "end"):
            if not _CLOCK.match(getattr(self, name)):
                raise ValueError(f"{name}: write a time of day as HH:MM, e.g. 09:00")
        if self.start == self.end:
            raise ValueError("start and end are the same time; the window would be empty")
        return self


class Conditions(BaseModel):
    """All given conditions must hold; an empty list or absent field does not filter."""

    model_config = ConfigDict(extra="forbid")

    service_ids: list[Id] = Field(default_factory=list, max_length=100)
    team_ids: list[Id] = Field(default_factory=list, max_length=100)
    category_ids: list[Id] = Field(default_factory=list, max_length=100)
    priorities: list[PriorityLabel] = Field(default_factory=list, max_length=5)
    labels: list[Matcher] = Field(
        default_factory=list,
        max_length=20,
        description="Some alert of the incident matches all of these (Alertmanager matchers).",
    )
    hours: Hours | None = None


class SetFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["set_fields"]
    category_id: Id | None = None
    impact: Level | None = None
    urgency: Level | None = None
    assignee_id: Id | None = None
    commander_id: Id | None = None
    communications_lead_id: Id | None = None
    scribe_id: Id | None = None

    @model_validator(mode="after")
    def _something(self) -> SetFields:
        if not self.changes():
            raise ValueError("set_fields needs at least one field to set")
        return self

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude={"kind"}, exclude_none=True)


class AddResponders(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["add_responders"]
    user_ids: list[Id] = Field(default_factory=list, max_length=50)
    team_ids: list[Id] = Field(default_factory=list, max_length=20)
    schedule_ids: list[Id] = Field(default_factory=list, max_length=20)
    message: str = Field(default="", max_length=1000)

    @model_validator(mode="after")
    def _someone(self) -> AddResponders:
        if not (self.user_ids or self.team_ids or self.schedule_ids):
            raise ValueError("add_responders needs a user, team or schedule to page")
        return self


class AddTask(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["add_task"]
    title: Annotated[Template, Field(max_length=500)] = Field(description="A template.")
    assignee_id: Id | None = None


class AddNote(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["add_note"]
    text: Template = Field(description="A template (Jinja, sandboxed).")


class CallOut(BaseModel):
    """An outgoing call: `body` is a template that must render to JSON."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["webhook", "remediation"]
    url: Url
    body: Template = Field(
        default='{"incident": {{ incident.number }}, "title": {{ incident.title | tojson }}}',
        description="A template rendering to JSON; values are quoted with `| tojson`.",
    )


Action = Annotated[
    SetFields | AddResponders | AddTask | AddNote | CallOut, Field(discriminator="kind")
]


class WorkflowCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    description: Multiline = Field(default="", max_length=2_000)
    enabled: bool = True
    trigger: Trigger
    trigger_value: str = Field(
        default="",
        max_length=100,
        description="The priority (P1..P5), status or tag the trigger waits for; the cron "
        "expression of a `schedule`.",
    )
    zone: TimeZone = Field(default="UTC", description="The zone a `schedule` is read in.")
    conditions: Conditions = Field(default_factory=Conditions)
    actions: list[Action] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _value_fits(self) -> WorkflowCreate:
        check_trigger(self.trigger, self.trigger_value)
        return self


def check_trigger(trigger: Trigger, value: str) -> None:
    """Refuse a value the trigger cannot meet (raised as a validation error)."""
    value = value.strip()
    if trigger is Trigger.PRIORITY_CHANGED and value not in ("P1", "P2", "P3", "P4", "P5"):
        raise ValueError("trigger_value: priority_changed waits for a priority, P1 to P5")
    if trigger is Trigger.STATUS_CHANGED and value not in STATUSES:
        raise ValueError(f"trigger_value: status_changed waits for one of {', '.join(STATUSES)}")
    if trigger is Trigger.SCHEDULE and (found := cron.problem(value)):
        raise ValueError(f"trigger_value: the cron expression {value!r} does not parse: {found}")
    if trigger is Trigger.NOTE_TAGGED and not _TAG.match(value.removeprefix("#")):
        raise ValueError("trigger_value: note_tagged waits for a tag of letters, digits, - or _")
    fixed = (
        Trigger.INCIDENT_OPENED,
        Trigger.ALERT_ATTACHED,
        Trigger.SLA_WARNING,
        Trigger.SLA_BREACH,
    )
    if trigger in fixed and value:
        raise ValueError(f"trigger_value: {trigger.value} takes no value")


class WorkflowUpdate(Patch):
    name: Name | None = None
    description: Multiline | None = Field(default=None, max_length=2_000)
    enabled: bool | None = None
    conditions: Conditions | None = None
    actions: list[Action] | None = Field(default=None, min_length=1, max_length=20)


class WorkflowOut(BaseModel):
    id: int
    name: str
    description: str
    enabled: bool
    trigger: Trigger
    trigger_value: str
    zone: str
    next_at: datetime | None
    conditions: Conditions
    actions: list[Action]
    created_at: datetime
    updated_at: datetime


class WorkflowSecret(WorkflowOut):
    secret: str = Field(description="Signs the webhooks (Standard Webhooks `whsec_...`).")


class ActionResult(BaseModel):
    position: int
    kind: str
    ok: bool
    detail: str


class RunOut(BaseModel):
    id: int
    workflow_id: int
    incident_id: int
    entry_id: int | None = Field(description="The timeline entry it acted on; null: scheduled")
    depth: int
    at: datetime
    matched: list[str]
    results: list[ActionResult]


class DryRunIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    incident_id: Id


class DryRunOut(BaseModel):
    """What the workflow would do to the incident now; nothing was changed or sent."""

    incident_id: int
    matches: bool
    matched: list[str]
    not_matched: list[str]
    actions: list[ActionResult]
