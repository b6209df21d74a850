"""What is usual for a series: recently (level and trend), at this time of day, and at this
time of day on this weekday; the detector trusts whichever has predicted best so far."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from watchkeeper.monitoring.anomaly.tuning import Tuning

RECENT, DAILY, WEEKLY = "recent", "daily", "weekly"
# How wide "usually" is, in mean absolute deviations either side: about 90 % of normal points.
BAND = 2.0


@dataclass(frozen=True)
class Usual:
    """The usual value at a moment in one context, and its typical deviation."""

    context: str
    center: float
    spread: float

    @property
    def low(self) -> float:
        return self.center - BAND * self.spread

    @property
    def high(self) -> float:
        return self.center + BAND * self.spread


class Context(Protocol):
    name: str

    def usual(self, at: datetime) -> Usual | None: ...

    def learn(self, at: datetime, value: float) -> None: ...


def _alpha(span: float) -> float:
    return 2.0 / (span + 1.0)


class _Error:
    """A running mean of absolute prediction errors, unbiased while it is still short."""

    def __init__(self, span: float) -> None:
        self.alpha = _alpha(span)
        self.n = 0
        self.mean = 0.0

    def add(self, error: float) -> None:
        self.n += 1
        self.mean += max(self.alpha, 1.0 / self.n) * (error - self.mean)


class Recent:
    """Level and damped trend (Holt's linear smoothing) with the spread of its one-step errors."""

    name = RECENT

    def __init__(self, tuning: Tuning) -> None:
        self.alpha = _alpha(tuning.level_span)
        self.beta = self.alpha / 4.0
        self.damping = 0.9
        self.level: float | None = None
        self.trend = 0.0
        self.spread = _Error(tuning.spread_span)

    def forecast(self) -> float | None:
        return None if self.level is None else self.level + self.damping * self.trend

    def usual(self, at: datetime) -> Usual | None:
        center = self.forecast()
        if center is None or self.spread.n == 0:
            return None
        return Usual(self.name, center, self.spread.mean)

    def learn(self, at: datetime, value: float) -> None:
        center = self.forecast()
        if center is None or self.level is None:
            self.level = value
            return
        error = value - center
        self.spread.add(abs(error))
        level = center + self.alpha * error
        self.trend = self.damping * self.trend + self.beta * (
            level - self.level - self.damping * self.trend
        )
        self.level = level


@dataclass
class _Slot:
    mean: float
    cycles: int
    last_cycle: int
    n: int


class Seasonal:
    """The usual value per time slot of a day (or of a week), learnt cycle after cycle."""

    def __init__(self, name: str, tuning: Tuning, weekly: bool) -> None:
        self.name = name
        self.weekly = weekly
        self.slot_minutes = tuning.slot_minutes
        self.alpha = tuning.seasonal_alpha
        self.ready_cycles = tuning.weekly_ready if weekly else tuning.daily_ready
        self.slots: dict[int, _Slot] = {}
        self.spread = _Error(tuning.spread_span)

    def _key(self, at: datetime) -> tuple[int, int]:
        minute = at.hour * 60 + at.minute
        slot = minute // self.slot_minutes
        day = at.toordinal()
        if self.weekly:
            return at.weekday() * 10_000 + slot, day // 7
        return slot, day

    def _ready(self, at: datetime) -> _Slot | None:
        key, _ = self._key(at)
        slot = self.slots.get(key)
        return slot if slot is not None and slot.cycles >= self.ready_cycles else None

    def usual(self, at: datetime) -> Usual | None:
        slot = self._ready(at)
        if slot is None or self.spread.n == 0:
            return None
        return Usual(self.name, slot.mean, self.spread.mean)

    def predict(self, at: datetime) -> float | None:
        slot = self._ready(at)
        return None if slot is None else slot.mean

    def learn(self, at: datetime, value: float) -> None:
        key, cycle = self._key(at)
        slot = self.slots.get(key)
        if slot is None:
            self.slots[key] = _Slot(mean=value, cycles=1, last_cycle=cycle, n=1)
            return
        if slot.cycles >= self.ready_cycles:
            self.spread.add(abs(value - slot.mean))
        if cycle != slot.last_cycle:
            slot.cycles += 1
            slot.last_cycle = cycle
        slot.n += 1
        slot.mean += max(self.alpha, 1.0 / slot.n) * (value - slot.mean)


class Contexts:
    """The three contexts, and which of them has predicted this series best so far."""

    def __init__(self, tuning: Tuning) -> None:
        self.recent = Recent(tuning)
        self.daily = Seasonal(DAILY, tuning, weekly=False)
        self.weekly = Seasonal(WEEKLY, tuning, weekly=True)
        self.errors = {name: _Error(tuning.choice_span) for name in (RECENT, DAILY, WEEKLY)}

    def best(self, at: datetime) -> Context:
        chosen: Context = self.recent
        best = self.errors[RECENT].mean
        for context in (self.daily, self.weekly):
            error = self.errors[context.name]
            if error.n >= 50 and error.mean < 0.9 * best and context.usual(at) is not None:
                chosen, best = context, error.mean
        return chosen

    def learn(self, at: datetime, value: float) -> None:
        recent = self.recent.forecast()
        if recent is not None:
            self.errors[RECENT].add(abs(value - recent))
        for context in (self.daily, self.weekly):
            predicted = context.predict(at)
            if predicted is not None:
                self.errors[context.name].add(abs(value - predicted))
        self.recent.learn(at, value)
        self.daily.learn(at, value)
        self.weekly.learn(at, value)
