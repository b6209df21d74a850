"""What the API accepts and returns for the priority matrix and SLA targets."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

from watchkeeper.core.alert_priority import SEVERITIES, SeverityRow
from watchkeeper.core.priority import LEVELS, MatrixCell


class MatrixIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cells: list[MatrixCell] = Field(description="All 16 impact x urgency cells.")

    @model_validator(mode="after")
    def _complete(self) -> MatrixIn:
        keys = {(cell.impact, cell.urgency) for cell in self.cells}
        if len(keys) != len(self.cells) or keys != {(i, u) for i in LEVELS for u in LEVELS}:
            raise ValueError("give each of the 16 impact x urgency cells exactly once")
        return self


class MatrixOut(BaseModel):
    cells: list[MatrixCell]
    is_default: bool


class SlaTargetIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    priority: str = Field(pattern=r"^P[1-5]$")
    ack_minutes: int = Field(ge=1, le=60 * 24 * 30, description="Time to acknowledge.")
    resolve_minutes: int = Field(ge=1, le=60 * 24 * 90, description="Time to resolve.")


class SlaTargetsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    targets: list[SlaTargetIn]

    @model_validator(mode="after")
    def _complete(self) -> SlaTargetsIn:
        names = [target.priority for target in self.targets]
        if sorted(names) != [f"P{p}" for p in range(1, 6)]:
            raise ValueError("give a target for each of P1..P5 exactly once")
        for target in self.targets:
            if target.resolve_minutes < target.ack_minutes:
                raise ValueError(f"{target.priority}: resolving cannot be due before acknowledging")
        return self


class SlaTargetOut(BaseModel):
    priority: str
    ack_minutes: int
    resolve_minutes: int


class SlaTargetsOut(BaseModel):
    targets: list[SlaTargetOut]
    is_default: bool


class SeveritiesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    severities: list[SeverityRow] = Field(
        description="One row for each alert severity: critical, error, warning, info."
    )

    @model_validator(mode="after")
    def _complete(self) -> SeveritiesIn:
        if sorted(row.severity for row in self.severities) != sorted(SEVERITIES):
            raise ValueError("give a row for each of critical, error, warning and info once")
        return self


class SeveritiesOut(BaseModel):
    severities: list[SeverityRow]
    is_default: bool
