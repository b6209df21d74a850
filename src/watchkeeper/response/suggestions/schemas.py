"""What the API accepts and returns for suggestions."""

from __future__ import annotations

import enum
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from watchkeeper.core.ids import Id
from watchkeeper.incidents.schemas import Level


class Field_(enum.StrEnum):
    CATEGORY = "category_id"
    IMPACT = "impact"
    URGENCY = "urgency"


class State(enum.StrEnum):
    READY = "ready"
    PENDING = "pending"  # a model exists; the engine has not reached this incident yet
    NO_MODEL = "no_model"  # nothing resolved to learn from yet


class SimilarIncidentOut(BaseModel):
    id: int
    title: str
    score: float = Field(description="cosine similarity of their texts, 0..1")
    status: str
    service_id: int
    resolution_code: str | None
    resolution_notes: str
    created_at: datetime
    resolved_at: datetime | None
    resolved_in_seconds: int | None = Field(description="from opened to resolved")
    postmortem_id: int | None
    postmortem_url: str | None


class SimilarOut(BaseModel):
    state: State
    computed_at: datetime | None
    items: list[SimilarIncidentOut]


class GuessOut(BaseModel):
    value: int
    label: str
    confidence: float = Field(description="the model's probability, 0..1")


class SuggestionOut(BaseModel):
    state: State
    incident_id: int
    computed_at: datetime | None
    category: GuessOut | None
    impact: GuessOut | None
    urgency: GuessOut | None
    decision: str | None = Field(description="accepted, corrected or auto; null: undecided")
    decided_by_id: int | None
    decided_by: str | None = Field(description="the login of who decided")
    decided_at: datetime | None
    chosen: dict[str, int | None]


class AcceptIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fields: list[Field_] | None = Field(
        default=None, min_length=1, description="which to accept; all suggested when left out"
    )


class CorrectIn(BaseModel):
    """The right values, when the suggestion was wrong; the next training learns them."""

    model_config = ConfigDict(extra="forbid")

    category_id: Id | None = None
    impact: Level | None = None
    urgency: Level | None = None
