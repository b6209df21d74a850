"""Stakeholders, rules, templates and updates in and out of the API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from watchkeeper.core.ids import Id
from watchkeeper.core.text import Multiline, NonBlank

Kind = Literal["user", "team", "email"]
Subject = Annotated[NonBlank, Field(max_length=300)]
Body = Annotated[Multiline, Field(min_length=1, max_length=20_000)]
Email = Annotated[NonBlank, Field(max_length=254)]


class Target(BaseModel):
    """Exactly one of a user, a team (all its members) or an external email address."""

    model_config = ConfigDict(extra="forbid")
    user_id: Id | None = None
    team_id: Id | None = None
    email: Email | None = None


class StakeholderOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    kind: Kind
    user_id: int | None
    team_id: int | None
    email: str | None
    name: str
    rule_id: int | None
    added_at: datetime


class RuleIn(Target):
    max_priority: int = Field(ge=1, le=5, description="Incidents of this priority or higher.")


class RuleOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    max_priority: int
    kind: Kind
    user_id: int | None
    team_id: int | None
    target: str
    created_at: datetime


class TemplateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[NonBlank, Field(max_length=100)]
    subject: Subject
    body: Body


class TemplatePatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[NonBlank, Field(max_length=100)] | None = None
    subject: Subject | None = None
    body: Body | None = None


class TemplateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    subject: str
    body: str
    created_at: datetime
    updated_at: datetime


class UpdateIn(BaseModel):
    """A text, or a template filled from the incident (its text can be edited first)."""

    model_config = ConfigDict(extra="forbid")
    template_id: Id | None = None
    subject: Subject | None = None
    body: Body | None = None


class UpdateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    incident_id: int
    subject: str
    body: str
    recipients: int
    created_by_id: int | None
    sent_at: datetime


class CadenceOut(BaseModel):
    """When the next stakeholder update is due (None: no cadence for this incident)."""

    every_minutes: int | None
    last_update_at: datetime | None
    next_due_at: datetime | None
    due_in_minutes: int | None
    reminds_user_id: int | None
