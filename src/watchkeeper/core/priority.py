"""ITIL prioritisation: impact x urgency -> priority, through an editable matrix.

Impact runs from 1 (extensive) to 4 (minor), urgency from 1 (critical) to 4 (low),
priority from 1 (P1, the most pressing) to 5 (P5).
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel, Field

LEVELS = (1, 2, 3, 4)
PRIORITIES = (1, 2, 3, 4, 5)

IMPACT_NAMES = {1: "extensive", 2: "significant", 3: "moderate", 4: "minor"}
URGENCY_NAMES = {1: "critical", 2: "high", 3: "medium", 4: "low"}

Matrix = Mapping[tuple[int, int], int]

# PRODUCT.md, "Incident lifecycle" part 4: rows are impact, columns urgency.
_ROWS = ((1, 2, 3, 4), (2, 3, 4, 5), (3, 4, 5, 5), (4, 5, 5, 5))
DEFAULT_MATRIX: dict[tuple[int, int], int] = {
    (impact, urgency): priority
    for impact, row in zip(LEVELS, _ROWS, strict=True)
    for urgency, priority in zip(LEVELS, row, strict=True)
}


def derive(impact: int, urgency: int, matrix: Matrix = DEFAULT_MATRIX) -> int:
    """The priority a matrix gives an impact and an urgency (cells it lacks use the default)."""
    if impact not in LEVELS or urgency not in LEVELS:
        raise ValueError(f"impact and urgency run from 1 to 4, got {impact} and {urgency}")
    return matrix.get((impact, urgency), DEFAULT_MATRIX[(impact, urgency)])


def label(priority: int) -> str:
    return f"P{priority}"


def parse_label(text: str) -> int:
    """`"P2"` (or `"2"`) -> 2; anything else raises ValueError."""
    raw = text.strip().upper().removeprefix("P")
    if not raw.isdigit() or int(raw) not in PRIORITIES:
        raise ValueError(f"not a priority: {text!r} (use P1..P5)")
    return int(raw)


class MatrixCell(BaseModel):
    impact: int = Field(ge=1, le=4)
    urgency: int = Field(ge=1, le=4)
    priority: int = Field(ge=1, le=5)
