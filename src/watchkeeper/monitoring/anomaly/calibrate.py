"""How surprising a surprise is for this series: its ratio to a high quantile of the last ones."""

from __future__ import annotations

import bisect
import math
from collections import deque


class Calibrator:
    """Keeps the last `size` values sorted; `ratio` divides a value by their `quantile`."""

    def __init__(self, size: int, quantile: float, floor: float) -> None:
        self.size = size
        self.quantile = quantile
        self.floor = floor
        self._sorted: list[float] = []
        self._order: deque[float] = deque()

    def ratio(self, value: float) -> float:
        if not self._sorted:
            return 0.0
        k = min(len(self._sorted) - 1, int(self.quantile * len(self._sorted)))
        return value / max(self._sorted[k], self.floor)

    def add(self, value: float) -> None:
        bisect.insort(self._sorted, value)
        self._order.append(value)
        if len(self._order) > self.size:
            old = self._order.popleft()
            del self._sorted[bisect.bisect_left(self._sorted, old)]

    def tail(self, value: float, level: float) -> float:
        """The chance of a surprise at least this big: empirical in the body, an exponential
        tail fitted to the values above the `level` quantile beyond it (peaks over threshold)."""
        n = len(self._sorted)
        if n == 0:
            return 1.0
        k = min(n - 1, int(level * n))
        q = self._sorted[k]
        if value <= q:
            above = n - bisect.bisect_left(self._sorted, value)
            return max(above, 1) / n
        top = self._sorted[k:]
        excess = max(sum(top) / len(top) - q, self.floor)
        share = len(top) / n
        return share * math.exp(-(value - q) / excess)
