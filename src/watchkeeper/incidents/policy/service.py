"""Read and change the priority matrix and SLA targets. Callers own the transaction."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from watchkeeper.core.priority import DEFAULT_MATRIX, MatrixCell
from watchkeeper.incidents.policy.models import PriorityCell, SlaTarget
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
