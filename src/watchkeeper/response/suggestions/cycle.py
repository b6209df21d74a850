"""Engine entry points: whether to train, keeping a trained model, and suggesting for
the incidents committed since the last run.

Training itself is pure (`learn.train`) and runs outside any transaction (the engine
module does it on a thread); here are only the short reads and writes around it. A
suggestion run reads its batch in a few queries, decides in pure code and writes with
one INSERT, plus the changes of the few it may apply on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from watchkeeper.catalog.categories.models import Category
from watchkeeper.db.upsert import insert_for
from watchkeeper.incidents.lifecycle import OPEN
from watchkeeper.response.suggestions import data, service
from watchkeeper.response.suggestions.learn import Example, Guess, Model, Neighbour
from watchkeeper.response.suggestions.models import IncidentSuggestion, SuggestionModel

BATCH = 50
TRAIN_LIMIT = 100_000
PAGE = 10_000
FRESH = timedelta(days=1)
# Open incidents older than a day get a suggestion too (one opened before the first
# model, say), within this window.
STILL_OPEN = timedelta(days=30)
SIMILAR = 5
KEEP = 2  # models kept: the one in use and the one before it


@dataclass(frozen=True)
class Trained:
    """A model trained off the transaction, waiting to be written."""

    model: Model
    examples: int
    seconds: float
    snapshot: data.Snapshot


def training_due(session: Session, now: datetime, *, every: timedelta) -> data.Snapshot | None:
    """The data to learn from when a training is due (there is something resolved, and
    no model yet, or the data changed since the last one and `every` has passed)."""
    found = data.snapshot(session)
    if found.until is None:
        return None
    latest = session.execute(
        select(SuggestionModel.trained_at, SuggestionModel.data_key)
        .order_by(SuggestionModel.id.desc())
        .limit(1)
    ).first()
    if latest is None:
        return found
    if latest.data_key == found.key or now - latest.trained_at < every:
        return None
    return found


def examples_page(
    session: Session, *, after: data.Cursor | None
) -> tuple[list[Example], data.Cursor | None]:
    """One bounded read of examples: a run of the engine takes one page, so a large
    history is read over several short runs rather than in one long one."""
    return data.examples(session, limit=PAGE, after=after)


def examples(session: Session) -> list[Example]:
    """Every example up to TRAIN_LIMIT, at once (tests, benchmarks)."""
    found, cursor = examples_page(session, after=None)
    while cursor is not None and len(found) < TRAIN_LIMIT:
        page, cursor = examples_page(session, after=cursor)
        found += page
    return found[:TRAIN_LIMIT]


def store(session: Session, trained: Trained, now: datetime) -> int:
    """Keep a trained model as the one in use; older ones beyond KEEP go."""
    row = SuggestionModel(
        trained_at=now,
        data_until=trained.snapshot.until,
        data_key=trained.snapshot.key,
        examples=trained.examples,
        indexed=int(trained.model.index.shape[0]),
        counts=trained.model.counts,
        seconds=round(trained.seconds, 3),
        blob=trained.model.dumps(),
    )
    session.add(row)
    session.flush()
    keep = select(SuggestionModel.id).order_by(SuggestionModel.id.desc()).limit(KEEP)
    session.execute(
        delete(SuggestionModel).where(SuggestionModel.id.not_in(keep.scalar_subquery()))
    )
    return row.id


def latest_id(session: Session) -> int | None:
    return session.scalar(select(SuggestionModel.id).order_by(SuggestionModel.id.desc()).limit(1))


def load(session: Session, model_id: int) -> Model:
    blob = session.scalar(select(SuggestionModel.blob).where(SuggestionModel.id == model_id))
    assert blob is not None, f"model {model_id} went away"
    return Model.loads(blob)


def suggest(
    session: Session,
    *,
    model: Model,
    model_id: int,
    now: datetime,
    auto_apply: float | None = None,
) -> int:
    """Suggest for a batch of incidents that have none yet; apply on the engine's
    authority what is above `auto_apply` (when an admin set it)."""
    incidents = data.pending(
        session, fresh_since=now - FRESH, open_since=now - STILL_OPEN, limit=BATCH
    )
    if not incidents:
        return 0
    texts = data.texts(session, incidents)
    categories = set(session.scalars(select(Category.id)))
    rows, auto = [], []
    for incident in incidents:
        vector = model.vector(texts[incident.id])
        near = model.similar(vector, k=SIMILAR, exclude=incident.id)
        guesses = model.guess(vector)
        if "category_id" in guesses and guesses["category_id"].value not in categories:
            del guesses["category_id"]  # a category deleted since the training
        rows.append(_row(incident.id, model_id, now, near, guesses))
        if auto_apply is not None and incident.status in OPEN:
            auto.append((incident, guesses))
    insert = insert_for(session, IncidentSuggestion.table())
    session.execute(insert.on_conflict_do_nothing(index_elements=["incident_id"]), rows)
    for incident, guesses in auto:
        assert auto_apply is not None
        service.apply_automatically(
            session, incident=incident, guesses=guesses, threshold=auto_apply, now=now
        )
    return len(incidents)


def _row(
    incident_id: int,
    model_id: int,
    now: datetime,
    near: list[Neighbour],
    guesses: dict[str, Guess],
) -> dict[str, object]:
    category, impact, urgency = (guesses.get(f) for f in ("category_id", "impact", "urgency"))
    return {
        "incident_id": incident_id,
        "model_id": model_id,
        "computed_at": now,
        "similar": [[n.incident_id, n.score] for n in near],
        "category_id": category.value if category else None,
        "category_confidence": category.confidence if category else None,
        "impact": impact.value if impact else None,
        "impact_confidence": impact.confidence if impact else None,
        "urgency": urgency.value if urgency else None,
        "urgency_confidence": urgency.confidence if urgency else None,
        "chosen": {},
    }
