"""Admin page for the priority matrix and the SLA targets."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from watchkeeper.core.alert_priority import SEVERITIES, SeverityRow
from watchkeeper.core.priority import IMPACT_NAMES, LEVELS, URGENCY_NAMES, MatrixCell
from watchkeeper.incidents.policy import service as policy
from watchkeeper.incidents.policy.schemas import MatrixIn, SeveritiesIn
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import FormBody, UiAdmin
from watchkeeper.web.ui.routes.forms import attempt, validation_messages
from watchkeeper.web.ui.templating import render, saved

router = APIRouter(prefix="/admin/policy")


def _page(request: Request, **extra: Any) -> Response:
    def load(session: Session) -> dict[str, Any]:
        matrix, matrix_default = policy.matrix(session)
        targets, targets_default = policy.targets(session)
        severities, severities_default = policy.severities(session)
        return {
            "severities": {name: severities[name] for name in SEVERITIES},
            "severities_default": severities_default,
            "matrix": matrix,
            "matrix_default": matrix_default,
            "targets": {
                p: (int(ack.total_seconds() // 60), int(res.total_seconds() // 60))
                for p, (ack, res) in sorted(targets.items())
            },
            "targets_default": targets_default,
        }

    context = context_of(request).database.run(load, write=False)
    context.update(levels=LEVELS, impacts=IMPACT_NAMES, urgencies=URGENCY_NAMES)
    status = 422 if extra.get("errors") else 200
    return render(request, "admin/policy.html", {**context, **extra}, status_code=status)


@router.get("")
def show(request: Request, _: UiAdmin) -> Response:
    return _page(request)


@router.post("/matrix")
def save_matrix(request: Request, _: UiAdmin, form: FormBody) -> Response:
    try:
        cells = [
            MatrixCell(impact=i, urgency=u, priority=int(str(form.get(f"cell_{i}_{u}", "0"))))
            for i in LEVELS
            for u in LEVELS
        ]
        MatrixIn(cells=cells)
    except (ValidationError, ValueError) as exc:
        errors = (
            validation_messages(exc, request) if isinstance(exc, ValidationError) else [str(exc)]
        )
        return _page(request, errors=errors)
    attempt(request, lambda s: policy.set_matrix(s, cells=cells))
    return saved("/admin/policy", "Priority matrix saved")


@router.post("/severities")
def save_severities(request: Request, _: UiAdmin, form: FormBody) -> Response:
    try:
        body = SeveritiesIn(
            severities=[
                SeverityRow(
                    severity=name,
                    impact=int(str(form.get(f"impact_{name}")))
                    if form.get(f"impact_{name}")
                    else None,
                    urgency=int(str(form.get(f"urgency_{name}", "0"))),
                )
                for name in SEVERITIES
            ]
        )
    except (ValidationError, ValueError) as exc:
        errors = (
            validation_messages(exc, request) if isinstance(exc, ValidationError) else [str(exc)]
        )
        return _page(request, errors=errors)
    attempt(request, lambda s: policy.set_severities(s, rows=body.severities))
    return saved("/admin/policy#severities", "Severity mapping saved")


@router.post("/targets")
def save_targets(request: Request, _: UiAdmin, form: FormBody) -> Response:
    new: policy.Targets = {}
    errors: list[str] = []
    for priority in range(1, 6):
        ack, resolve = form.get(f"ack_{priority}"), form.get(f"resolve_{priority}")
        if not (
            isinstance(ack, str)
            and ack.isdigit()
            and isinstance(resolve, str)
            and resolve.isdigit()
        ):
            errors.append(f"P{priority}: give whole minutes")
            continue
        if not 0 < int(ack) <= int(resolve):
            errors.append(f"P{priority}: acknowledging must be due first, and after 0 minutes")
            continue
        new[priority] = (timedelta(minutes=int(ack)), timedelta(minutes=int(resolve)))
    if errors:
        return _page(request, errors=errors)
    attempt(request, lambda s: policy.set_targets(s, new=new))
    return saved("/admin/policy", "SLA targets saved")


@router.post("/reset")
def reset(request: Request, _: UiAdmin) -> Response:
    def action(session: Session) -> None:
        policy.reset_matrix(session)
        policy.reset_targets(session)
        policy.reset_severities(session)

    attempt(request, action)
    return saved("/admin/policy", "Defaults restored")
