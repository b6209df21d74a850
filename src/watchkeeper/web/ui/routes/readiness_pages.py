"""The readiness pages: the coverage report (per team or all), and the escalation
simulator's form and answer (also reached from a service's and a policy's page)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from watchkeeper.analytics.readiness import service as readiness
from watchkeeper.analytics.readiness.schemas import KINDS, SimulationIn, SimulationOut
from watchkeeper.catalog.services import service as services
from watchkeeper.catalog.teams.models import Team
from watchkeeper.core.errors import WatchkeeperError
from watchkeeper.core.ids import Id
from watchkeeper.pipeline.escalation import service as escalation
from watchkeeper.web.api.v1.readiness import run_simulation
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import DbSession, FormBody, Now, UiResponder, UiViewer
from watchkeeper.web.ui.routes.forms import messages_of, validation_messages
from watchkeeper.web.ui.templating import render

router = APIRouter(prefix="/readiness")
TITLES = {
    "schedule_gap": "Schedule gaps (next 14 days)",
    "no_verified_contact": "On call without a verified contact method",
    "no_high_urgency_rule": "On call without a high-urgency rule",
    "policy_reaches_nobody": "Policies that reach nobody at some hour",
    "service_without_policy": "Services without a policy",
    "single_person_policy": "Services whose policy has a single person",
    "silent_integration": "Integrations silent for 7 days",
    "failing_contact_method": "Contact methods whose last deliveries failed",
}
FIELDS = ("service_id", "policy_id", "type", "summary", "severity", "at", "zone", "hours")


@router.get("")
def coverage_page(
    request: Request,
    _: UiViewer,
    session: DbSession,
    now: Now,
    team_id: Annotated[Id | None, Query()] = None,
) -> Response:
    report = readiness.coverage(session, now=now, team_id=team_id)
    groups = [
        (kind, TITLES[kind], [f for f in report.findings if f.kind == kind]) for kind in KINDS
    ]
    context = {
        "report": report,
        "groups": groups,
        "teams": session.scalars(select(Team).order_by(Team.name)).all(),
    }
    return render(request, "readiness/coverage.html", context)


def _choices(session: Session) -> dict[str, Any]:
    return {
        "services": services.all_(session),
        "policies": escalation.list_policies(session),
        "formats": ("alertmanager", "grafana", "pagerduty", "generic"),
    }


@router.get("/simulate")
def simulate_form(
    request: Request,
    _: UiResponder,
    session: DbSession,
    service_id: Annotated[Id | None, Query()] = None,
    policy_id: Annotated[Id | None, Query()] = None,
) -> Response:
    values = {"service_id": service_id, "policy_id": policy_id, "zone": request.state.time_zone}
    return render(request, "readiness/simulate.html", {**_choices(session), "values": values})


def _input(form: FormData) -> tuple[dict[str, Any], SimulationIn]:
    values: dict[str, Any] = {k: v for k in FIELDS if (v := form.get(k)) not in (None, "")}
    text = form.get("payload")
    data: dict[str, Any] = dict(values)
    if isinstance(text, str) and text.strip():
        values["payload"] = text
        try:
            data["payload"] = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"Payload: not JSON ({exc.msg}, line {exc.lineno})") from exc
    return values, SimulationIn.model_validate(data)


@router.post("/simulate")
def simulate(request: Request, _: UiResponder, form: FormBody) -> Response:
    """No request transaction: the simulation takes its own, rolled back (on SQLite a
    second writer in the same request would wait for the first)."""
    errors: list[str] = []
    result: SimulationOut | None = None
    values: dict[str, Any] = {k: form.get(k) for k in (*FIELDS, "payload")}
    try:
        values, data = _input(form)
        result = run_simulation(request, data)
    except ValidationError as exc:
        errors = validation_messages(exc)
    except ValueError as exc:
        errors = [str(exc)]
    except WatchkeeperError as exc:
        errors = messages_of(exc)
    choices = context_of(request).database.run(_choices, write=False)
    context = {**choices, "values": values, "result": result, "errors": errors}
    status = 422 if errors else 200
    return render(request, "readiness/simulate.html", context, status_code=status)
