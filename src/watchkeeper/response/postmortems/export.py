"""A postmortem as one Markdown document: key facts first, then the written sections.

Pure: the web's printable page renders the same facts and body, so both exports agree.
"""

from __future__ import annotations

from datetime import timedelta

from watchkeeper.response.postmortems.draft import durations, span, when
from watchkeeper.response.postmortems.schemas import Facts, SlaOutcome


def sla_line(outcome: SlaOutcome) -> str:
    """`acknowledge: met by 3 min`, `resolve: breached by 1 h 10 min`, `resolve: pending`."""
    if outcome.margin_seconds is None:
        return f"{outcome.clock}: {outcome.state}"
    by = span(timedelta(seconds=abs(outcome.margin_seconds)))
    return f"{outcome.clock}: {outcome.state} by {by}"


def fact_lines(facts: Facts, zone: str) -> list[tuple[str, str]]:
    """(name, value) pairs of the key facts, times in `zone`."""
    m = facts.milestones
    lines = [
        ("Incidents", ", ".join(f"#{number}" for number in facts.incident_ids)),
        ("Priority", facts.priority),
        ("Service", facts.service),
        ("Depending services", ", ".join(facts.dependents) or "none"),
        ("Started (first alert)", when(m.started_at, zone)),
        ("Detected", when(m.detected_at, zone)),
        ("Acknowledged", when(m.acknowledged_at, zone)),
        ("Mitigated", when(m.mitigated_at, zone)),
        ("Resolved", when(m.resolved_at, zone)),
    ]
    lines += [(name, span(value)) for name, value in durations(m)]
    lines.append(("SLA", "; ".join(sla_line(outcome) for outcome in facts.sla)))
    lines.append(("Paged", ", ".join(facts.paged) or "nobody"))
    lines.append(("Responders", ", ".join(facts.responders) or "nobody"))
    return lines


def markdown(*, title: str, status: str, facts: Facts, body: str, zone: str) -> str:
    rows = "\n".join(f"| {name} | {_cell(value)} |" for name, value in fact_lines(facts, zone))
    parts = [
        f"# {title}",
        f"Status: {status}",
        f"## Key facts\n\n| | |\n|---|---|\n{rows}",
    ]
    if facts.alerts:
        parts.append(
            "## Alerts\n\n"
            + "\n".join(
                f"- {when(a.first_seen_at, zone)} [{a.severity}] {_inline(a.summary)} (x{a.count})"
                for a in facts.alerts
            )
        )
    if facts.changes:
        parts.append(
            "## Changes before it started\n\n"
            + "\n".join(
                f"- {when(c.occurred_at, zone)} {_inline(c.summary)} ({c.source})"
                for c in facts.changes
            )
        )
    parts.append(body.strip())
    return "\n\n".join(parts) + "\n"


def _inline(text: str) -> str:
    return " ".join(text.split())


def _cell(text: str) -> str:
    return _inline(text).replace("|", "\\|")
