"""How surprising a surprise is for this series: its ratio to a high quantile of the last ones."""

from __future__ import annotations

import bisect
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
