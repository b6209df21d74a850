"""What the noise report counts per noisy alert; the figures themselves are defined in
the queries (queries.py), one GROUP BY each, and documented in docs/analytics.md.

An alert row is one firing episode of a fingerprint on a service: repeated triggers of an
open alert bump its `count`; a new row opens only after the previous one resolved.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NO_ACTION_CODES = ("no_fault_found", "cancelled")


@dataclass
class NoiseFigures:
    service_id: int
    service: str
    name: str
    fingerprint: str | None  # None in the by-alertname list
    last_alert_id: int = 0
    labels: dict[str, str] = field(default_factory=dict)
    alerts: int = 0
    events: int = 0
    incidents: int = 0
    pages: int = 0
    quick_resolved: int = 0
    never_acknowledged: int = 0
    flapping: int = 0
    suppressed: int = 0
    no_action: int = 0
    previous_alerts: int = 0


@dataclass(frozen=True)
class Totals:
    alerts: int
    quick_resolved: int
    flapping: int
    never_acknowledged: int
    no_action: int
