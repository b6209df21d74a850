"""A scored point in words: "latency 840 ms, usually 120-180 ms at this hour on Tuesdays"."""

from __future__ import annotations

from watchkeeper.monitoring.anomaly.contexts import DAILY, WEEKLY
from watchkeeper.monitoring.anomaly.detector import Point

_DAYS = ("Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays", "Sundays")


def number(value: float) -> str:
    """Three significant figures, thousands separated, no exponent for everyday magnitudes."""
    if value == 0:
        return "0"
    magnitude = abs(value)
    if magnitude >= 1000:
        return f"{value:,.0f}"
    if magnitude >= 1:
        return f"{value:.3g}" if magnitude < 100 else f"{value:.0f}"
    return f"{value:.3g}"


def reason(point: Point, name: str = "value", unit: str = "") -> str:
    """What the value was and what is usual in the context the detector trusted."""
    suffix = f" {unit}" if unit else ""
    said = f"{name} {number(point.value)}{suffix}"
    usual = point.usual
    if usual is None:
        return f"{said}, still learning what is usual"
    low, high = max(usual.low, 0.0) if point.value >= 0 else usual.low, usual.high
    when = "recently"
    if usual.context == DAILY:
        when = "at this hour"
    elif usual.context == WEEKLY:
        when = f"at this hour on {_DAYS[point.at.weekday()]}"
    span = number(low) if number(low) == number(high) else f"{number(low)}-{number(high)}"
    return f"{said}, usually {span}{suffix} {when}"
