"""The SLA report as flat tables: one row per group, and one per breach."""

from __future__ import annotations

from watchkeeper.analytics.sla.schemas import SlaGroupOut, SlaReport
from watchkeeper.analytics.tables import Table

COLUMNS = (
    "group",
    "incidents",
    "ack_met",
    "ack_breached",
    "ack_pending",
    "ack_compliance_pct",
    "ack_warned_then_breached",
    "ack_warned_then_met",
    "resolve_met",
    "resolve_breached",
    "resolve_pending",
    "resolve_compliance_pct",
    "resolve_warned_then_breached",
    "resolve_warned_then_met",
)
BREACH_COLUMNS = (
    "incident",
    "title",
    "service",
    "priority",
    "clock",
    "due_at",
    "stopped_at",
    "late_s",
)


def _row(g: SlaGroupOut) -> list[object]:
    a, r = g.acknowledge, g.resolve
    return [
        g.label,
        g.count,
        a.met,
        a.breached,
        a.pending,
        a.compliance_percent,
        a.warned_then_breached,
        a.warned_then_met,
        r.met,
        r.breached,
        r.pending,
        r.compliance_percent,
        r.warned_then_breached,
        r.warned_then_met,
    ]


def table(report: SlaReport) -> Table:
    return Table(COLUMNS, [_row(group) for group in report.groups])


def breaches(report: SlaReport) -> Table:
    return Table(
        BREACH_COLUMNS,
        [
            [
                b.incident_id,
                b.title,
                b.service,
                b.priority,
                b.clock,
                b.due_at.isoformat(),
                b.stopped_at.isoformat() if b.stopped_at else None,
                b.late_seconds,
            ]
            for b in report.breaches
        ],
    )
