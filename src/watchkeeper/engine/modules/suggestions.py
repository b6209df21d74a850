"""Engine module: train the suggestion model and suggest for each new incident.

A run writes a model that finished training, checks (at most every `CHECK`) whether
the data changed enough to train again, and suggests for a batch of incidents that were
committed without one. Training reads its examples a page (10,000) per run, then, once
the last page's transaction has committed, fits them on a thread: no run is long, no
transaction stays open and no other module waits while it fits (the page path never
depends on it). The next run writes the model, and the engine is woken for it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

import structlog
from sqlalchemy.orm import Session

from watchkeeper.response.suggestions import cycle
from watchkeeper.response.suggestions.data import Cursor, Snapshot
from watchkeeper.response.suggestions.learn import Example, Model, train

CHECK = timedelta(minutes=1)
log = structlog.get_logger(__name__)


class Suggestions:
    name = "suggestions"
    version = 1
    interval = 2.0
    wakeable = True
    # The model in memory is this process's; one engine at a time keeps runs simple.
    exclusive = True
    batch_limit: int | None = cycle.BATCH

    def __init__(
        self,
        *,
        retrain_every: timedelta,
        auto_apply: float | None = None,
        background: bool = True,
    ) -> None:
        self.retrain_every = retrain_every
        self.auto_apply = auto_apply
        # Inline (tests, one-shot commands) the run trains and writes the model itself.
        self.background = background
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._finished: cycle.Trained | None = None
        self._queued: tuple[list[Example], Snapshot] | None = None
        # Examples read so far, where the next page starts, and the data they are of.
        self._reading: tuple[list[Example], Cursor | None, Snapshot] | None = None
        self._checked_at: datetime | None = None
        self._model: tuple[int, Model] | None = None
        self._failed: str | None = None  # the data a training failed on
        self._closed = False

    def run_once(self, session: Session, now: datetime) -> int:
        handled = 0
        with self._lock:
            finished, self._finished = self._finished, None
        if finished is not None:
            self._model = (cycle.store(session, finished, now), finished.model)
            handled += 1
        if self._reading is not None:
            handled += self._read_on(session)
        elif self._check_due(now):
            self._checked_at = now
            change = cycle.training_due(session, now, every=self.retrain_every)
            if change is not None and change.key != self._failed:
                if self.background:
                    self._reading = ([], None, change)
                    handled += self._read_on(session)
                else:
                    trained = self._train(cycle.examples(session), change)
                    if trained is not None:
                        self._model = (cycle.store(session, trained, now), trained.model)
                        handled += 1
        model = self._current(session)
        if model is not None:
            handled += cycle.suggest(
                session, model=model[1], model_id=model[0], now=now, auto_apply=self.auto_apply
            )
        return handled

    def _read_on(self, session: Session) -> int:
        """Read the next page of examples; with the last one, queue the training."""
        assert self._reading is not None
        found, after, change = self._reading
        page, after = cycle.examples_page(session, after=after)
        found += page
        if after is None or len(found) >= cycle.TRAIN_LIMIT:
            self._queued, self._reading = (found[: cycle.TRAIN_LIMIT], change), None
        else:
            self._reading = (found, after, change)
        return len(page)

    def _check_due(self, now: datetime) -> bool:
        if self._closed or self._thread is not None or self._queued is not None:
            return False
        return self._checked_at is None or now - self._checked_at >= CHECK or not self.background

    def _current(self, session: Session) -> tuple[int, Model] | None:
        latest = cycle.latest_id(session)
        if latest is None:
            return None
        if self._model is None or self._model[0] != latest:
            # Another engine (or an earlier life of this one) trained it.
            self._model = (latest, cycle.load(session, latest))
        return self._model

    def after_commit(self, wake: Callable[[], None]) -> None:
        queued, self._queued = self._queued, None
        if queued is None:
            return
        self._thread = threading.Thread(
            target=self._fit, args=(queued, wake), name="watchkeeper-suggest", daemon=True
        )
        self._thread.start()

    def _fit(self, queued: tuple[list[Example], Snapshot], wake: Callable[[], None]) -> None:
        trained = None
        try:
            trained = self._train(*queued)
            with self._lock:
                self._finished = trained
        finally:
            self._thread = None
        if trained is not None:
            wake()

    def _train(self, examples: list[Example], change: Snapshot) -> cycle.Trained | None:
        """Fit, or log why not and leave it until the data changes again (suggestions
        then keep coming from the model there is)."""
        started = time.perf_counter()
        try:
            model = train(examples)
        except ValueError:
            # e.g. scikit-learn's "empty vocabulary" when no text has a word in it
            log.warning("suggestion model not trained", examples=len(examples), exc_info=True)
            self._failed = change.key
            return None
        return cycle.Trained(
            model=model,
            examples=len(examples),
            seconds=time.perf_counter() - started,
            snapshot=change,
        )

    def close(self) -> None:
        """Let a training in flight finish; the runner's last run then keeps it."""
        self._closed = True
        thread = self._thread
        if thread is not None:
            thread.join()
