"""`/api/v1/incidents/{id}/similar` and `/suggestion`: what the local model found for an
incident (computed by the engine after the incident was committed), and accepting or
correcting its suggested category, impact and urgency."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import select

from watchkeeper.core.ids import Id
from watchkeeper.response.suggestions import queries
from watchkeeper.response.suggestions import service as suggestions
from watchkeeper.response.suggestions.models import SuggestionModel
from watchkeeper.response.suggestions.schemas import (
    AcceptIn,
    CorrectIn,
    SimilarOut,
    SuggestionOut,
)
from watchkeeper.web.api.v1.incidents import actor_of
from watchkeeper.web.deps import ApiResponder, ApiViewer, DbSession, Now

router = APIRouter(tags=["suggestions"])
_ONE = "/incidents/{incident_id}"


@router.get(f"{_ONE}/similar", summary="The 5 resolved incidents most like this one")
def similar(_: ApiViewer, session: DbSession, incident_id: Id) -> SimilarOut:
    return queries.similar(session, incident_id=incident_id)


@router.get(f"{_ONE}/suggestion", summary="Suggested category, impact and urgency")
def suggestion(_: ApiViewer, session: DbSession, incident_id: Id) -> SuggestionOut:
    return queries.suggestion(session, incident_id=incident_id)


@router.post(f"{_ONE}/suggestion/accept", summary="Set the suggested values on the incident")
def accept(
    principal: ApiResponder,
    session: DbSession,
    now: Now,
    incident_id: Id,
    body: AcceptIn | None = None,
) -> SuggestionOut:
    fields = [f.value for f in body.fields] if body and body.fields else None
    suggestions.accept(
        session, incident_id=incident_id, fields=fields, actor=actor_of(principal), now=now
    )
    return queries.suggestion(session, incident_id=incident_id)


@router.post(f"{_ONE}/suggestion/correct", summary="Set the right values instead")
def correct(
    principal: ApiResponder, session: DbSession, now: Now, incident_id: Id, body: CorrectIn
) -> SuggestionOut:
    suggestions.correct(
        session, incident_id=incident_id, data=body, actor=actor_of(principal), now=now
    )
    return queries.suggestion(session, incident_id=incident_id)


class ModelOut(BaseModel):
    trained: bool
    trained_at: datetime | None = None
    examples: int = 0
    indexed: int = 0
    counts: dict[str, int] = {}
    seconds: float | None = None


@router.get("/suggestions/model", summary="The model in use: when and on what it was trained")
def model(_: ApiViewer, session: DbSession) -> ModelOut:
    row = session.execute(
        select(
            SuggestionModel.trained_at,
            SuggestionModel.examples,
            SuggestionModel.indexed,
            SuggestionModel.counts,
            SuggestionModel.seconds,
        )
        .order_by(SuggestionModel.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return ModelOut(trained=False)
    return ModelOut(
        trained=True,
        trained_at=row.trained_at,
        examples=row.examples,
        indexed=row.indexed,
        counts=row.counts,
        seconds=row.seconds,
    )
