"""The detector's parameters: one global set, chosen on NAB as a whole, never per series."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tuning:
    """Spans and counts are in points; `views` names the surprises that may raise a score."""

    level_span: float = 12.0
    spread_span: float = 200.0
    seasonal_alpha: float = 0.25
    slot_minutes: int = 60
    daily_ready: int = 3
    weekly_ready: int = 3
    choice_span: float = 600.0
    long_span: float = 2000.0
    novelty_warmup: int = 300
    bins_per_std: float = 2.0
    novelty_half_life: float = 5000.0
    history: int = 8000
    quantile: float = 0.998
    calm: float = 3.0
    relative_floor: float = 1e-3
    warmup: int = 30
    alert: float = 0.9
    episode: int = 400
    short: int = 10
    views: tuple[str, ...] = ("context", "long run", "shift", "novelty")
