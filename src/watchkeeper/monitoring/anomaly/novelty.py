"""How rarely a series has taken a value like this one, or moved this way, before."""

from __future__ import annotations

import math

# A count and the step it was last touched at; it decays lazily, when it is next read.
Tally = tuple[float, int]


class Novelty:
    """Decaying counts of quantised values and of moves between them.

    The bin width is set from the series' spread once `warmup` points are in, and then kept,
    so that a value always falls in the same bin; a value in a bin never seen is novel.
    """

    def __init__(self, warmup: int, bins_per_std: float, half_life: float) -> None:
        self.warmup = warmup
        self.bins_per_std = bins_per_std
        self.decay = math.log(2.0) / half_life
        self._early: list[float] = []
        self.width: float | None = None
        self.anchor = 0.0
        self.values: dict[int, Tally] = {}
        self.moves: dict[tuple[int, int], Tally] = {}
        self.total = 0.0
        self.n = 0
        self.previous: int | None = None

    def _bin(self, value: float, width: float) -> int:
        return math.floor((value - self.anchor) / width)

    def _now(self, tally: Tally | None) -> float:
        if tally is None:
            return 0.0
        count, when = tally
        return count * math.exp(-self.decay * (self.n - when))

    def surprise(self, value: float) -> float:
        """-log of the smoothed chance of this value's bin, or of the move into it."""
        if self.width is None:
            return 0.0
        b = self._bin(value, self.width)
        seen = (self._now(self.values.get(b)) + 0.1) / (self.total + 1.0)
        surprise = -math.log(seen)
        if self.previous is not None:
            base = self._now(self.values.get(self.previous)) + 0.1
            moved = (self._now(self.moves.get((self.previous, b))) + 0.01) / base
            surprise = max(surprise, -math.log(min(moved, 1.0)))
        return surprise

    def learn(self, value: float) -> None:
        self.n += 1
        if self.width is not None:
            self._add(value, self.width)
            return
        self._early.append(value)
        if len(self._early) < self.warmup:
            return
        mean = sum(self._early) / len(self._early)
        std = math.sqrt(sum((v - mean) ** 2 for v in self._early) / len(self._early))
        self.width = max(std / self.bins_per_std, 1e-9 * max(abs(mean), 1.0))
        self.anchor = mean
        for early in self._early:
            self._add(early, self.width)
        self._early = []

    def _add(self, value: float, width: float) -> None:
        b = self._bin(value, width)
        self.total = self.total * math.exp(-self.decay) + 1.0
        self.values[b] = (self._now(self.values.get(b)) + 1.0, self.n)
        if self.previous is not None:
            key = (self.previous, b)
            self.moves[key] = (self._now(self.moves.get(key)) + 1.0, self.n)
        self.previous = b
