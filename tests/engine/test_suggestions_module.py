"""Engine module `suggestions`: it trains off the transaction, on a thread, and writes the
model in a later run; it suggests once per incident; it trains again only when the data
changed and the interval passed."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.factories import declare, make_service
from watchkeeper.core.clock import FrozenClock
from watchkeeper.db.session import Database
from watchkeeper.engine.modules import suggestions
from watchkeeper.engine.modules.suggestions import Suggestions
from watchkeeper.incidents import transitions
from watchkeeper.incidents.timeline import SYSTEM
from watchkeeper.response.suggestions import cycle
from watchkeeper.response.suggestions.learn import Example, Model
from watchkeeper.response.suggestions.models import IncidentSuggestion, SuggestionModel

TITLES = ["Disk full on db-1", "Checkout 500s after deploy", "TLS certificate expired"]


def _history(db: Database, clock: FrozenClock) -> int:
    with db.transaction() as session:
        service = make_service(session, now=clock.now()).id
        for title in TITLES:
            incident = declare(session, now=clock.now(), service_id=service, title=title)
            transitions.resolve(session, incident_id=incident.id, actor=SYSTEM, now=clock.now())
    return service


def _count(db: Database, model: type[SuggestionModel] | type[IncidentSuggestion]) -> int:
    with db.transaction(write=False) as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_training_reads_a_page_per_run_then_fits_on_a_thread_and_a_later_run_keeps_it(
    db: Database, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    _history(db, clock)
    monkeypatch.setattr(cycle, "PAGE", 2)
    module = Suggestions(retrain_every=timedelta(hours=1))
    woken = threading.Event()
    with db.transaction() as session:
        assert module.run_once(session, clock.now()) == 2  # the first page of examples
    module.after_commit(woken.set)
    assert not woken.is_set()  # nothing to fit yet
    with db.transaction() as session:
        assert module.run_once(session, clock.now()) == 1  # the last page
    assert _count(db, SuggestionModel) == 0
    module.after_commit(woken.set)
    assert woken.wait(timeout=60)
    with db.transaction() as session:
        handled = module.run_once(session, clock.now())
    assert handled == 1 + len(TITLES)  # the model, then a suggestion for each incident
    with db.transaction(write=False) as session:
        assert session.scalars(select(SuggestionModel.examples)).all() == [len(TITLES)]
    assert _count(db, IncidentSuggestion) == len(TITLES)
    module.close()


def test_each_incident_is_suggested_for_once_and_unchanged_data_trains_nothing(
    db: Database, clock: FrozenClock
) -> None:
    service = _history(db, clock)
    module = Suggestions(retrain_every=timedelta(hours=1), background=False)
    with db.transaction() as session:
        assert module.run_once(session, clock.now()) == 1 + len(TITLES)
    clock.advance(hours=2)
    with db.transaction() as session:
        assert module.run_once(session, clock.now()) == 0
        declare(session, now=clock.now(), service_id=service, title="Disk full on db-2")
    with db.transaction() as session:
        assert module.run_once(session, clock.now()) == 1
        assert module.run_once(session, clock.now()) == 0
    assert _count(db, SuggestionModel) == 1


def test_a_new_resolution_trains_again_once_the_interval_passed(
    db: Database, clock: FrozenClock
) -> None:
    service = _history(db, clock)
    module = Suggestions(retrain_every=timedelta(hours=1), background=False)
    with db.transaction() as session:
        module.run_once(session, clock.now())
        incident = declare(session, now=clock.now(), service_id=service, title="Queue backlog")
        transitions.resolve(session, incident_id=incident.id, actor=SYSTEM, now=clock.now())
    clock.advance(minutes=30)
    with db.transaction() as session:
        module.run_once(session, clock.now())
    assert _count(db, SuggestionModel) == 1  # changed, but too soon
    clock.advance(minutes=31)
    with db.transaction() as session:
        module.run_once(session, clock.now())
    with db.transaction(write=False) as session:
        examples = session.scalars(select(SuggestionModel.examples)).all()
    assert examples == [len(TITLES), len(TITLES) + 1]


def test_a_training_that_fails_is_logged_not_retried_on_the_same_data_and_harms_nothing(
    db: Database, clock: FrozenClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    _history(db, clock)
    tries = []

    def refuse(examples: list[Example]) -> Model:
        tries.append(len(examples))
        raise ValueError("empty vocabulary; perhaps the documents only contain stop words")

    monkeypatch.setattr(suggestions, "train", refuse)
    module = Suggestions(retrain_every=timedelta(hours=1), background=False)
    with db.transaction() as session:
        assert module.run_once(session, clock.now()) == 0
    clock.advance(hours=2)
    with db.transaction() as session:
        assert module.run_once(session, clock.now()) == 0
    assert tries == [len(TITLES)]  # once: the data did not change
    assert _count(db, SuggestionModel) == 0
