"""The impact and urgency an alert's incident gets, and the sentence that says why.

Urgency follows the alert's severity through an editable table (critical 1, error 2,
warning 3, info 4 by default); impact is the service's default impact unless the table
gives the severity one of its own. A routing rule that sets either wins. The priority
matrix then gives the priority, and P1/P2 page at high urgency: with the defaults (service
impact 1) critical alerts open P1, errors P2, warnings P3 and info P4, so critical and
error page at high urgency, warning and info at low, as PagerDuty and Opsgenie users
expect.

Pure values in, values out: correlation applies it to a whole batch with no queries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from watchkeeper.core.priority import DEFAULT_MATRIX, IMPACT_NAMES, URGENCY_NAMES, Matrix, derive

SEVERITIES = ("critical", "error", "warning", "info")
DEFAULT_SERVICE_IMPACT = 1


@dataclass(frozen=True, slots=True)
class SeverityDefault:
    """What one severity gives: an urgency, and an impact (None: the service's default)."""

    urgency: int
    impact: int | None = None


SeverityMap = Mapping[str, SeverityDefault]
DEFAULT_SEVERITY_MAP: dict[str, SeverityDefault] = {
    "critical": SeverityDefault(urgency=1),
    "error": SeverityDefault(urgency=2),
    "warning": SeverityDefault(urgency=3),
    "info": SeverityDefault(urgency=4),
}


class SeverityRow(BaseModel):
    """One line of the severity table, as the API takes and gives it."""

    model_config = ConfigDict(extra="forbid")

    severity: str = Field(pattern=r"^(critical|error|warning|info)$")
    impact: int | None = Field(
        default=None, ge=1, le=4, description="1..4, or null for the service's default impact"
    )
    urgency: int = Field(ge=1, le=4, description="1 critical, 2 high, 3 medium, 4 low")


@dataclass(frozen=True, slots=True)
class Prioritised:
    impact: int
    urgency: int
    priority: int
    basis: str  # e.g. "P1 from severity=critical: impact 1 (service default), urgency 1 (...)"


def prioritise(
    severity: str,
    *,
    service_impact: int,
    rule_impact: int | None = None,
    rule_urgency: int | None = None,
    rules: Sequence[str] = (),
    severities: SeverityMap = DEFAULT_SEVERITY_MAP,
    matrix: Matrix = DEFAULT_MATRIX,
) -> Prioritised:
    """Impact, urgency and priority for an alert of `severity` on a service whose default
    impact is `service_impact`, after routing rules `rules` set `rule_impact` and
    `rule_urgency` (None where they set nothing)."""
    row = severities.get(severity) or DEFAULT_SEVERITY_MAP.get(severity) or SeverityDefault(2)
    by_rule = f"routing rule {', '.join(rules)}" if rules else "routing rule"
    if rule_impact is not None:
        impact, impact_from = rule_impact, by_rule
    elif row.impact is not None:
        impact, impact_from = row.impact, f"severity {severity}"
    else:
        impact, impact_from = service_impact, "service default"
    if rule_urgency is not None:
        urgency, urgency_from = rule_urgency, by_rule
    else:
        urgency, urgency_from = row.urgency, f"severity {severity}"
    priority = derive(impact, urgency, matrix)
    basis = (
        f"P{priority} from severity={severity}: "
        f"impact {impact} {IMPACT_NAMES[impact]} ({impact_from}), "
        f"urgency {urgency} {URGENCY_NAMES[urgency]} ({urgency_from})"
    )
    return Prioritised(impact, urgency, priority, basis)
