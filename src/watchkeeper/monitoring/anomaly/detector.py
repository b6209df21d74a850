"""A streaming, explainable anomaly detector: one point at a time, no look-ahead.

It learns what is normal for a series in three contexts (recently; at this time of day; at
this time of day on this weekday), keeps using whichever has predicted the series best so
far, and scores each point by how far it falls from that context's usual range, relative
to how surprising this series' points usually are. Pure code, deterministic: the same
points in give the same scores out.
"""

from __future__ import annotations

import bisect
import math
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime

from watchkeeper.monitoring.anomaly.calibrate import Calibrator
from watchkeeper.monitoring.anomaly.contexts import Context, Contexts, Usual
from watchkeeper.monitoring.anomaly.tuning import Tuning


@dataclass(frozen=True)
class Point:
    """One scored point: the score in [0, 1] and what the detector expected instead."""

    at: datetime
    value: float
    score: float
    usual: Usual | None

    @property
    def unusual(self) -> bool:
        return self.usual is not None and not self.usual.low <= self.value <= self.usual.high


class Detector:
    """Scores a series point by point; feed it points in time order."""

    def __init__(self, tuning: Tuning | None = None) -> None:
        self.tuning = tuning or Tuning()
        self.contexts = Contexts(self.tuning)
        self._seen = 0
        self._ratios: list[float] = []
        self._order: deque[float] = deque()
        self._last: datetime | None = None
        self._recent: deque[float] = deque()
        self._long: deque[float] = deque()
        self._sum = 0.0
        self._squares = 0.0
        self._short_sum = 0.0
        self._quiet_until = -1
        self._peak = 0.0
        t = self.tuning
        self._cal = [Calibrator(t.history, t.quantile, t.calm) for _ in range(3)]
        self._ew_mean: float | None = None
        self._ew_var = 0.0
        self._window: deque[float] = deque()
        self._window_sum = 0.0

    def update(self, at: datetime, value: float) -> Point:
        """Score `value` at `at` against what came before, then learn from it."""
        if not math.isfinite(value):
            raise ValueError("a series value must be a finite number")
        at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
        if self._last is not None and at < self._last:
            raise ValueError("points must come in time order")
        self._last = at
        context = self.contexts.best(at)
        usual = context.usual(at) if context is not None else None
        score = 0.0
        if usual is not None:
            surprise = self._surprise(value, usual)
            if self.tuning.mode == "multi":
                score = self._multi(value, surprise)
            elif self.tuning.mode == "likelihood":
                score = self._likelihood(surprise)
            else:
                score = self._calibrate(surprise)
                self._remember(surprise)
            if self._seen < self._quiet_until and score <= self._peak:
                score *= self.tuning.damp
            elif score >= self.tuning.alert:
                if self._seen >= self._quiet_until:
                    self._quiet_until = self._seen + self.tuning.refractory
                self._peak = score
        self.contexts.learn(at, value)
        self._seen += 1
        return Point(at=at, value=value, score=score, usual=usual)

    def _surprise(self, value: float, usual: Usual) -> float:
        floor = max(self.tuning.relative_floor * abs(usual.center), 1e-12)
        return abs(value - usual.center) / max(usual.spread, floor)

    def _calibrate(self, surprise: float) -> float:
        """How this surprise compares with this series' usual surprises, mapped into [0, 1)."""
        if self._seen < self.tuning.warmup or not self._ratios:
            return 0.0
        k = min(len(self._ratios) - 1, int(self.tuning.quantile * len(self._ratios)))
        typical = max(self._ratios[k], self.tuning.calm)
        ratio = surprise / typical
        return ratio * ratio / (1.0 + ratio * ratio) if ratio > 0 else 0.0

    def _multi(self, value: float, surprise: float) -> float:
        t = self.tuning
        feats = [surprise, 0.0, 0.0]
        if self._ew_mean is not None:
            std = max(math.sqrt(self._ew_var), t.relative_floor * abs(self._ew_mean), 1e-12)
            feats[1] = abs(value - self._ew_mean) / std
            if self._window:
                short = (self._window_sum + value) / (len(self._window) + 1)
                feats[2] = abs(short - self._ew_mean) / std
        ratio = 0.0
        if self._seen >= t.warmup:
            if t.pot:
                p = min(self._cal[i].tail(feats[i], t.pot_level) for i in t.features)
                level = -math.log10(max(p, 1e-300))
                score = level / (level + 3.0)
            for i in t.features:
                ratio = max(ratio, self._cal[i].ratio(feats[i]))
        for i in t.features:
            self._cal[i].add(feats[i])
        # learn the long run after scoring
        a = 2.0 / (t.long_span + 1.0)
        if self._ew_mean is None:
            self._ew_mean = value
        else:
            a = max(a, 1.0 / (self._seen + 1))
            d = value - self._ew_mean
            self._ew_mean += a * d
            self._ew_var = (1 - a) * (self._ew_var + a * d * d)
        self._window.append(value)
        self._window_sum += value
        if len(self._window) >= t.short:
            self._window_sum -= self._window.popleft()
        if t.pot:
            return score if self._seen >= t.warmup else 0.0
        return ratio * ratio / (1.0 + ratio * ratio)

    def _likelihood(self, surprise: float) -> float:
        """How unusual the last few surprises are together, against this series' long run."""
        t = self.tuning
        s = math.log1p(surprise)
        self._recent.append(s)
        self._short_sum += s
        if len(self._recent) > t.short:
            self._short_sum -= self._recent.popleft()
        short = self._short_sum / len(self._recent)
        score = 0.0
        n = len(self._long)
        if n >= t.warmup:
            mean = self._sum / n
            std = math.sqrt(max(self._squares / n - mean * mean, 0.0))
            z = (short - mean) / max(std, t.min_std)
            if z > 0:
                x = z * z / 9.0
                score = x / (1.0 + x)
        self._long.append(s)
        self._sum += s
        self._squares += s * s
        if n + 1 > t.history:
            old = self._long.popleft()
            self._sum -= old
            self._squares -= old * old
        return score

    def _remember(self, surprise: float) -> None:
        bisect.insort(self._ratios, surprise)
        self._order.append(surprise)
        if len(self._order) > self.tuning.history:
            old = self._order.popleft()
            del self._ratios[bisect.bisect_left(self._ratios, old)]


__all__ = ["Context", "Detector", "Point", "Tuning", "Usual"]
