"""The detector's parameters: one global set, chosen on NAB as a whole, never per series."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Tuning:
    """One global parameter set (chosen on NAB as a whole, never per series)."""

    level_span: float = 12.0
    spread_span: float = 200.0
    seasonal_alpha: float = 0.25
    slot_minutes: int = 60
    daily_ready: int = 3
    weekly_ready: int = 3
    choice_span: float = 600.0
    history: int = 2000
    quantile: float = 0.99
    warmup: int = 30
    calm: float = 3.0
    relative_floor: float = 1e-3
    mode: str = "multi"
    short: int = 5
    min_std: float = 0.05
    alert: float = 0.9
    refractory: int = 400
    damp: float = 0.0
    features: tuple[int, ...] = (0, 1)
    long_span: float = 2000.0
    pot: bool = False
    pot_level: float = 0.95
    clip: float = 0.0
