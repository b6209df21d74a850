"""The trained models, and what each incident was offered and what a person made of it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, LargeBinary, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.db.base import Base


class SuggestionModel(Base):
    """One training run's model, serialized; the newest row is the one in use."""

    __tablename__ = "suggestion_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    trained_at: Mapped[datetime]
    # What it learned from (newest resolution or decision, how many of each): when the
    # data no longer says the same, the model is stale.
    data_until: Mapped[datetime | None]
    data_key: Mapped[str] = mapped_column(String(100), default="")
    examples: Mapped[int]
    indexed: Mapped[int]
    # Labelled examples per field, and the seconds the training took.
    counts: Mapped[dict[str, Any]] = mapped_column(JSON)
    seconds: Mapped[float] = mapped_column(Float)
    blob: Mapped[bytes] = mapped_column(LargeBinary)


class IncidentSuggestion(Base):
    """Computed once per incident after it was committed. `similar` is a list of
    `[incident_id, score]`, best first; a guess is its value and confidence (0..1).
    `decision` is empty until a person accepts or corrects (or `auto` applied it), and
    `chosen` then holds the values that were set."""

    __tablename__ = "incident_suggestions"
    __table_args__ = (Index("ix_incident_suggestions_decided", "decided_at"),)

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    model_id: Mapped[int | None] = mapped_column(
        ForeignKey("suggestion_models.id", ondelete="SET NULL")
    )
    computed_at: Mapped[datetime]
    similar: Mapped[list[list[float]]] = mapped_column(JSON)
    category_id: Mapped[int | None] = mapped_column(
        ForeignKey("categories.id", ondelete="SET NULL")
    )
    category_confidence: Mapped[float | None] = mapped_column(Float)
    impact: Mapped[int | None] = mapped_column(SmallInteger)
    impact_confidence: Mapped[float | None] = mapped_column(Float)
    urgency: Mapped[int | None] = mapped_column(SmallInteger)
    urgency_confidence: Mapped[float | None] = mapped_column(Float)
    decision: Mapped[str | None] = mapped_column(String(10))  # accepted, corrected, auto
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    chosen: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
