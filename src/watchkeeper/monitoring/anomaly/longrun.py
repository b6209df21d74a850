"""The series' long-run level and spread: how far a value is from everything seen lately."""

from __future__ import annotations

import math
from collections import deque


class LongRun:
    """Exponentially weighted mean and variance over about `span` points (unbiased while short)."""

    def __init__(self, span: float, relative_floor: float, short: int) -> None:
        self.alpha = 2.0 / (span + 1.0)
        self.short = short
        self._last: deque[float] = deque()
        self._last_sum = 0.0
        self.relative_floor = relative_floor
        self.n = 0
        self.mean = 0.0
        self.var = 0.0

    def _std(self) -> float:
        return max(math.sqrt(self.var), self.relative_floor * abs(self.mean), 1e-12)

    def surprise(self, value: float) -> float:
        """This value's distance from the long-run mean."""
        return 0.0 if self.n == 0 else abs(value - self.mean) / self._std()

    def shift(self, value: float) -> float:
        """The distance of the last few values' mean (this one included): a level that moved."""
        if self.n == 0:
            return 0.0
        mean = (self._last_sum + value) / (len(self._last) + 1)
        return abs(mean - self.mean) / self._std()

    def learn(self, value: float) -> None:
        self.n += 1
        alpha = max(self.alpha, 1.0 / self.n)
        delta = value - self.mean
        self.mean += alpha * delta
        self.var = (1.0 - alpha) * (self.var + alpha * delta * delta)
        self._last.append(value)
        self._last_sum += value
        if len(self._last) >= self.short:
            self._last_sum -= self._last.popleft()
