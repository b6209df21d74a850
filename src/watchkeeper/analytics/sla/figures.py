"""SLA figures, as pure functions of the verdicts the SLA clocks stored on each incident.

The SLA clocks (`incidents/sla.py`) decide met or breached once, when their event comes
or their due time passes; the report counts those verdicts (one GROUP BY in queries.py)
and never re-judges them, so it agrees with what the incident page showed at the time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

MET, BREACHED, PENDING = "met", "breached", "pending"


@dataclass
class ClockFigures:
    met: int = 0
    breached: int = 0
    pending: int = 0
    warned_then_breached: int = 0
    warned_then_met: int = 0
    warned_pending: int = 0

    @property
    def compliance(self) -> float | None:
        """Met / decided, in percent; pending clocks are not decided yet."""
        decided = self.met + self.breached
        return round(self.met / decided * 100, 1) if decided else None


@dataclass
class GroupSla:
    key: str
    label: str
    count: int = 0
    acknowledge: ClockFigures = field(default_factory=ClockFigures)
    resolve: ClockFigures = field(default_factory=ClockFigures)


def lateness(due_at: datetime, stopped_at: datetime | None, now: datetime) -> float:
    """How late a breached clock is: from its due time to its event, or to now while the
    event has not come (a breach still running grows)."""
    return max(0.0, ((stopped_at or now) - due_at).total_seconds())
