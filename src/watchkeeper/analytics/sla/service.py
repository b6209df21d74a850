"""Build the SLA compliance report: verdicts per group, and every breach with how late."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from watchkeeper.analytics.dimensions import Dimension
from watchkeeper.analytics.ranges import ReportRange
from watchkeeper.analytics.sla import queries
from watchkeeper.analytics.sla.figures import BREACHED, ClockFigures, GroupSla, lateness
from watchkeeper.analytics.sla.schemas import BreachOut, ClockOut, SlaGroupOut, SlaReport
from watchkeeper.core.priority import label

BREACH_LIST = 200
_RESOLVED = ("resolved", "closed")


def report(
    session: Session,
    *,
    window: ReportRange,
    by: Dimension,
    now: datetime,
    service_id: int | None = None,
) -> SlaReport:
    groups = sorted(
        queries.verdicts(session, window=window, by=by, service_id=service_id),
        key=lambda g: g.label,
    )
    total = queries.verdicts(session, window=window, by=Dimension.ALL, service_id=service_id)
    breaches = _breaches(session, window, service_id, now)
    return SlaReport(
        start=window.start,
        end=window.end,
        by=by,
        total=_group(total[0] if total else GroupSla("all", "all")),
        groups=[_group(group) for group in groups],
        breaches=breaches[:BREACH_LIST],
        breaches_total=len(breaches),
    )


def _breaches(
    session: Session, window: ReportRange, service_id: int | None, now: datetime
) -> list[BreachOut]:
    out = []
    for row in queries.breached(session, window=window, service_id=service_id):
        (number, title, service, priority, ack, ack_due, acked, res, res_due, resolved,
         paused_since, status) = row  # fmt: skip
        if ack == BREACHED:
            stop = queries.stop_of_ack(acked, resolved)
            out.append(_breach(number, title, service, priority, "acknowledge", ack_due, stop, now))
        if res == BREACHED:
            stop = resolved if status in _RESOLVED else None
            # on hold the clock rests: lateness stops growing where the hold began
            out.append(
                _breach(
                    number, title, service, priority, "resolve", res_due, stop, paused_since or now
                )
            )
    return sorted(out, key=lambda b: (-b.late_seconds, b.incident_id))


def _breach(
    number: int,
    title: str,
    service: str,
    priority: int,
    clock: str,
    due_at: datetime,
    stopped_at: datetime | None,
    now: datetime,
) -> BreachOut:
    return BreachOut(
        incident_id=number,
        title=title,
        service=service,
        priority=label(priority),
        clock=clock,
        due_at=due_at,
        stopped_at=stopped_at,
        late_seconds=lateness(due_at, stopped_at, now),
    )


def _clock(figures: ClockFigures) -> ClockOut:
    return ClockOut(
        met=figures.met,
        breached=figures.breached,
        pending=figures.pending,
        compliance_percent=figures.compliance,
        warned_then_breached=figures.warned_then_breached,
        warned_then_met=figures.warned_then_met,
        warned_pending=figures.warned_pending,
    )


def _group(group: GroupSla) -> SlaGroupOut:
    return SlaGroupOut(
        key=group.key,
        label=group.label,
        count=group.count,
        acknowledge=_clock(group.acknowledge),
        resolve=_clock(group.resolve),
    )
