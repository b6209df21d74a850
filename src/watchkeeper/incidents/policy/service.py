"""Read and change the priority matrix, the SLA targets and the severity table. Callers
own the transaction."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from watchkeeper.core.alert_priority import DEFAULT_SEVERITY_MAP, SeverityDefault, SeverityRow
from watchkeeper.core.priority import DEFAULT_MATRIX, MatrixCell
from watchkeeper.incidents.policy.models import PriorityCell, SeverityDefaultRow, SlaTarget
from watchkeeper.incidents.sla import DEFAULT_TARGETS

Targets = dict[int, tuple[timedelta, timedelta]]


def matrix(session: Session) -> tuple[dict[tuple[int, int], int], bool]:
    """The matrix in force and whether it is the default one."""
    rows = session.scalars(select(PriorityCell)).all()
    if not rows:
        return dict(DEFAULT_MATRIX), True
    stored = {(row.impact, row.urgency): row.priority for row in rows}
    return {**DEFAULT_MATRIX, **stored}, False


def set_matrix(session: Session, *, cells: list[MatrixCell]) -> None:
    """Replace the matrix. Existing incidents keep their priority until edited."""
    session.execute(delete(PriorityCell))
    session.add_all(
        PriorityCell(impact=cell.impact, urgency=cell.urgency, priority=cell.priority)
        for cell in cells
    )
    session.flush()


def reset_matrix(session: Session) -> None:
    session.execute(delete(PriorityCell))


def targets(session: Session) -> tuple[Targets, bool]:
    """SLA targets per priority (ack, resolve) and whether they are the defaults."""
    rows = session.scalars(select(SlaTarget)).all()
    if not rows:
        return dict(DEFAULT_TARGETS), True
    stored = {
        row.priority: (timedelta(seconds=row.ack_seconds), timedelta(seconds=row.resolve_seconds))
        for row in rows
    }
    return {**DEFAULT_TARGETS, **stored}, False


def set_targets(session: Session, *, new: Targets) -> None:
    """Replace the SLA targets. Open incidents keep the due times they were given."""
    session.execute(delete(SlaTarget))
    session.add_all(
        SlaTarget(
            priority=priority,
            ack_seconds=int(ack.total_seconds()),
            resolve_seconds=int(resolve.total_seconds()),
        )
        for priority, (ack, resolve) in sorted(new.items())
    )
    session.flush()


def reset_targets(session: Session) -> None:
    session.execute(delete(SlaTarget))


def severities(session: Session) -> tuple[dict[str, SeverityDefault], bool]:
    """What each alert severity gives an incident, and whether that is the default table."""
    rows = session.scalars(select(SeverityDefaultRow)).all()
    if not rows:
        return dict(DEFAULT_SEVERITY_MAP), True
    stored = {row.severity: SeverityDefault(urgency=row.urgency, impact=row.impact) for row in rows}
    return {**DEFAULT_SEVERITY_MAP, **stored}, False


def set_severities(session: Session, *, rows: list[SeverityRow]) -> None:
    """Replace the severity table. Existing incidents keep their impact and urgency."""
    session.execute(delete(SeverityDefaultRow))
    session.add_all(
        SeverityDefaultRow(severity=row.severity, impact=row.impact, urgency=row.urgency)
        for row in rows
    )
    session.flush()


def reset_severities(session: Session) -> None:
    session.execute(delete(SeverityDefaultRow))
