"""A streaming, explainable anomaly detector: one point at a time, no look-ahead.

Three views of each point, each a surprise (0 = as expected):

- *context*: how far it falls from the usual value in the context that has predicted the
  series best so far (recently, with level and trend; at this time of day; at this time of
  day on this weekday), in units of that context's typical error;
- *long run*: how far it is from the series' long-run mean, in long-run deviations, and
  *shift*: the same for the mean of the last few points (a level that moved);
- *novelty*: how rarely the series has taken a value like it, or moved this way, before.

Each surprise is divided by a high quantile of the same view's past surprises on this
series, so a noisy series and a smooth one are judged by their own standards; the largest
ratio becomes the score in [0, 1). An alert opens an episode: within it, a point only
scores again if it is worse than the worst so far, so one incident is one alert, not fifty.
Pure code, deterministic: the same points in give the same scores out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

from watchkeeper.monitoring.anomaly.calibrate import Calibrator
from watchkeeper.monitoring.anomaly.contexts import Contexts, Usual
from watchkeeper.monitoring.anomaly.longrun import LongRun
from watchkeeper.monitoring.anomaly.novelty import Novelty
from watchkeeper.monitoring.anomaly.tuning import Tuning

CONTEXT, LONG_RUN, SHIFT, NOVELTY = "context", "long run", "shift", "novelty"


@dataclass(frozen=True)
class Point:
    """One scored point: the score in [0, 1], what was usual, and which view saw it."""

    at: datetime
    value: float
    score: float
    usual: Usual | None
    view: str = CONTEXT


def _score(ratio: float) -> float:
    """Ratio 1 (as surprising as this series' rare worst) is 0.5; it nears 1, never reaching it."""
    squared = ratio * ratio
    return squared / (1.0 + squared)


class Detector:
    """Scores one series point by point; feed it the points in time order."""

    def __init__(self, tuning: Tuning | None = None) -> None:
        t = self.tuning = tuning or Tuning()
        self.contexts = Contexts(t)
        self.long_run = LongRun(t.long_span, t.relative_floor, t.short)
        self.novelty = Novelty(t.novelty_warmup, t.bins_per_std, t.novelty_half_life)
        self._calibrators = {
            view: Calibrator(t.history, t.quantile, t.calm)
            for view in (CONTEXT, LONG_RUN, SHIFT, NOVELTY)
        }
        self._seen = 0
        self._last: datetime | None = None
        self._episode_ends = -1
        self._episode_peak = 0.0

    def update(self, at: datetime, value: float) -> Point:
        """Score `value` at `at` against what came before, then learn from it."""
        if not math.isfinite(value):
            raise ValueError("a series value must be a finite number")
        at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
        if self._last is not None and at < self._last:
            raise ValueError("points must come in time order")
        self._last = at
        context = self.contexts.best(at)
        usual = context.usual(at)
        surprises = {
            CONTEXT: self._context_surprise(value, usual),
            LONG_RUN: self.long_run.surprise(value),
            SHIFT: self.long_run.shift(value),
            NOVELTY: self.novelty.surprise(value),
        }
        view, ratio = CONTEXT, 0.0
        if self._seen >= self.tuning.warmup and usual is not None:
            for name in self.tuning.views:
                candidate = self._calibrators[name].ratio(surprises[name])
                if candidate > ratio:
                    view, ratio = name, candidate
        score = self._episode(_score(ratio))
        self._learn(at, value, surprises if usual is not None else None)
        return Point(at=at, value=value, score=score, usual=usual, view=view)

    def _context_surprise(self, value: float, usual: Usual | None) -> float:
        if usual is None:
            return 0.0
        floor = max(self.tuning.relative_floor * abs(usual.center), 1e-12)
        return abs(value - usual.center) / max(usual.spread, floor)

    def _episode(self, score: float) -> float:
        """Within an alert's episode only a worse point scores; the rest read as 0."""
        inside = self._seen < self._episode_ends
        if inside and score <= self._episode_peak:
            return 0.0
        if score >= self.tuning.alert:
            if not inside:
                self._episode_ends = self._seen + self.tuning.episode
            self._episode_peak = score
        return score

    def _learn(self, at: datetime, value: float, surprises: dict[str, float] | None) -> None:
        # Surprises while the spreads are still settling would set the bar absurdly high.
        if surprises is not None and self._seen >= self.tuning.warmup:
            for name, surprise in surprises.items():
                self._calibrators[name].add(surprise)
        self.contexts.learn(at, value)
        self.long_run.learn(value)
        self.novelty.learn(value)
        self._seen += 1
