"""`/api/v1/priority-matrix`, `/api/v1/sla-policies` and `/api/v1/severity-defaults`: read
for everyone, edit for admins."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter

from watchkeeper.core.alert_priority import SEVERITIES, SeverityDefault, SeverityRow
from watchkeeper.core.priority import LEVELS, MatrixCell, label, parse_label
from watchkeeper.incidents.policy import service as policy
from watchkeeper.incidents.policy.schemas import (
    MatrixIn,
    MatrixOut,
    SeveritiesIn,
    SeveritiesOut,
    SlaTargetOut,
    SlaTargetsIn,
    SlaTargetsOut,
)
from watchkeeper.web.deps import ApiAdmin, ApiViewer, DbSession

router = APIRouter(tags=["policy"])


def _matrix_out(cells: dict[tuple[int, int], int], is_default: bool) -> MatrixOut:
    return MatrixOut(
        cells=[
            MatrixCell(impact=i, urgency=u, priority=cells[(i, u)]) for i in LEVELS for u in LEVELS
        ],
        is_default=is_default,
    )


def _targets_out(targets: policy.Targets, is_default: bool) -> SlaTargetsOut:
    return SlaTargetsOut(
        targets=[
            SlaTargetOut(
                priority=label(priority),
                ack_minutes=int(ack.total_seconds() // 60),
                resolve_minutes=int(resolve.total_seconds() // 60),
            )
            for priority, (ack, resolve) in sorted(targets.items())
        ],
        is_default=is_default,
    )


@router.get("/priority-matrix", summary="The impact x urgency -> priority matrix")
def get_matrix(_: ApiViewer, session: DbSession) -> MatrixOut:
    return _matrix_out(*policy.matrix(session))


@router.put("/priority-matrix", summary="Replace the matrix (applies to new changes)")
def put_matrix(_: ApiAdmin, session: DbSession, body: MatrixIn) -> MatrixOut:
    policy.set_matrix(session, cells=body.cells)
    return _matrix_out(*policy.matrix(session))


@router.delete("/priority-matrix", summary="Back to the ITIL default matrix")
def reset_matrix(_: ApiAdmin, session: DbSession) -> MatrixOut:
    policy.reset_matrix(session)
    return _matrix_out(*policy.matrix(session))


@router.get("/sla-policies", summary="Time to acknowledge and to resolve, per priority")
def get_targets(_: ApiViewer, session: DbSession) -> SlaTargetsOut:
    return _targets_out(*policy.targets(session))


@router.put("/sla-policies", summary="Replace the SLA targets (applies to new incidents)")
def put_targets(_: ApiAdmin, session: DbSession, body: SlaTargetsIn) -> SlaTargetsOut:
    new = {
        parse_label(target.priority): (
            timedelta(minutes=target.ack_minutes),
            timedelta(minutes=target.resolve_minutes),
        )
        for target in body.targets
    }
    policy.set_targets(session, new=new)
    return _targets_out(*policy.targets(session))


@router.delete("/sla-policies", summary="Back to the default SLA targets")
def reset_targets(_: ApiAdmin, session: DbSession) -> SlaTargetsOut:
    policy.reset_targets(session)
    return _targets_out(*policy.targets(session))


def _severities_out(table: dict[str, SeverityDefault], is_default: bool) -> SeveritiesOut:
    return SeveritiesOut(
        severities=[
            SeverityRow(severity=name, impact=table[name].impact, urgency=table[name].urgency)
            for name in SEVERITIES
        ],
        is_default=is_default,
    )


@router.get(
    "/severity-defaults", summary="What an alert's severity gives its incident (impact, urgency)"
)
def get_severities(_: ApiViewer, session: DbSession) -> SeveritiesOut:
    return _severities_out(*policy.severities(session))


@router.put("/severity-defaults", summary="Replace the severity table (applies to new incidents)")
def put_severities(_: ApiAdmin, session: DbSession, body: SeveritiesIn) -> SeveritiesOut:
    policy.set_severities(session, rows=body.severities)
    return _severities_out(*policy.severities(session))


@router.delete("/severity-defaults", summary="Back to the default severity table")
def reset_severities(_: ApiAdmin, session: DbSession) -> SeveritiesOut:
    policy.reset_severities(session)
    return _severities_out(*policy.severities(session))
