"""One service's admin page: alert settings, escalation policy, integrations (keys shown once)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from watchkeeper.catalog.services import service as services
from watchkeeper.catalog.services.schemas import GroupBy, GroupWindow, Impact, ServiceUpdate
from watchkeeper.core.errors import FieldError, Invalid
from watchkeeper.core.ids import Id
from watchkeeper.core.priority import IMPACT_NAMES
from watchkeeper.pipeline.escalation import service as escalation
from watchkeeper.pipeline.escalation.models import EscalationPolicy
from watchkeeper.pipeline.ingest import integrations
from watchkeeper.pipeline.ingest.models import Heartbeat
from watchkeeper.pipeline.ingest.schemas import IntegrationCreate, IntegrationUpdate
from watchkeeper.web.api.v1.integrations import endpoint_url
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import NO_STORE, FormBody, UiAdmin
from watchkeeper.web.ui.routes.forms import attempt, submit
from watchkeeper.web.ui.templating import render, saved

router = APIRouter(prefix="/admin/services/{service_id}")


class AlertSettingsForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    auto_resolve: bool = False  # an unticked checkbox sends nothing
    group_by: GroupBy = Field(default_factory=list)
    group_window_minutes: GroupWindow = 60
    default_impact: Impact | None = None  # absent: left as it is


class EscalationForm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    escalation_policy_id: Id | None = None  # the empty option: nobody is paged


def _page(request: Request, service_id: int, **extra: Any) -> Response:
    def load(session: Session) -> dict[str, Any]:
        rows = integrations.list_(session, service_id=service_id)
        service = services.get(session, service_id=service_id)
        policies = escalation.list_policies(session)
        return {
            "service": service,
            "integrations": rows,
            "policies": policies,
            "nobody_paged": not any(p.id == service.escalation_policy_id for p in policies),
            "impacts": IMPACT_NAMES,
            "heartbeats": {
                row.id: session.get(Heartbeat, row.id) for row in rows if row.type == "heartbeat"
            },
        }

    context = context_of(request).database.run(load, write=False)
    context["base_url"] = context_of(request).settings.resolved_base_url
    status = 422 if extra.get("errors") else 200
    return render(request, "admin/service.html", {**context, **extra}, status_code=status)


@router.get("")
def show(
    request: Request,
    _: UiAdmin,
    service_id: Id,
    group_window_minutes: Annotated[int | None, Query(ge=1, le=10080)] = None,
) -> Response:
    """`?group_window_minutes=` prefills a longer group window (a noise report fix);
    the service changes only when the form is saved."""
    return _page(request, service_id, suggested_window=group_window_minutes)


@router.post("/alerting")
def save_alerting(request: Request, _: UiAdmin, service_id: Id, form: FormBody) -> Response:
    now = context_of(request).clock.now()

    def action(session: Session, data: AlertSettingsForm) -> None:
        patch = ServiceUpdate.model_validate(data.model_dump(exclude_none=True))
        services.update(session, service_id=service_id, data=patch, now=now)

    outcome = submit(request, AlertSettingsForm, form, action, lists=("group_by",))
    if not outcome.ok:
        return _page(request, service_id, errors=outcome.errors)
    return saved(f"/admin/services/{service_id}", "Alert settings saved")


@router.post("/escalation")
def save_escalation(request: Request, _: UiAdmin, service_id: Id, form: FormBody) -> Response:
    now = context_of(request).clock.now()

    def action(session: Session, data: EscalationForm) -> None:
        policy_id = data.escalation_policy_id
        if policy_id is not None and session.get(EscalationPolicy, policy_id) is None:
            raise Invalid(
                f"no escalation policy {policy_id}",
                errors=[FieldError("escalation_policy_id", "no such escalation policy")],
            )
        patch = ServiceUpdate(escalation_policy_id=policy_id)
        services.update(session, service_id=service_id, data=patch, now=now)

    outcome = submit(request, EscalationForm, form, action)
    if not outcome.ok:
        return _page(request, service_id, errors=outcome.errors)
    return saved(f"/admin/services/{service_id}", "Escalation saved")


@router.post("/integrations", dependencies=[NO_STORE])
def add_integration(request: Request, _: UiAdmin, service_id: Id, form: FormBody) -> Response:
    now = context_of(request).clock.now()

    def action(session: Session, data: IntegrationCreate) -> tuple[str, str, str]:
        integration, key = integrations.create(
            session,
            service_id=service_id,
            type_=data.type,
            name=data.name,
            now=now,
            period_seconds=data.period_seconds,
            grace_seconds=data.grace_seconds,
        )
        return integration.type, integration.name, key

    outcome = submit(request, IntegrationCreate, form, action)
    if not outcome.ok or outcome.value is None:
        return _page(request, service_id, errors=outcome.errors)
    return _shown_once(request, service_id, *outcome.value)


@router.post("/integrations/{integration_id}/rotate", dependencies=[NO_STORE])
def rotate(request: Request, _: UiAdmin, service_id: Id, integration_id: Id) -> Response:
    now = context_of(request).clock.now()

    def action(session: Session) -> tuple[str, str, str]:
        integration, key = integrations.rotate(
            session, integration_id=integration_id, now=now, grace=timedelta(hours=24)
        )
        return integration.type, integration.name, key

    outcome = attempt(request, action)
    if not outcome.ok or outcome.value is None:
        return _page(request, service_id, errors=outcome.errors)
    _forget(request)
    return _shown_once(request, service_id, *outcome.value)


@router.post("/integrations/{integration_id}/timing")
def heartbeat_timing(
    request: Request, _: UiAdmin, service_id: Id, integration_id: Id, form: FormBody
) -> Response:
    def action(session: Session, data: IntegrationUpdate) -> int:
        return integrations.update(
            session,
            integration_id=integration_id,
            period_seconds=data.period_seconds,
            grace_seconds=data.grace_seconds,
        ).id

    outcome = submit(request, IntegrationUpdate, form, action)
    if not outcome.ok:
        return _page(request, service_id, errors=outcome.errors)
    return saved(f"/admin/services/{service_id}", "Heartbeat timing saved")


@router.post("/integrations/{integration_id}/revoke")
def revoke(request: Request, _: UiAdmin, service_id: Id, integration_id: Id) -> Response:
    now = context_of(request).clock.now()
    outcome = attempt(
        request, lambda s: integrations.revoke(s, integration_id=integration_id, now=now).id
    )
    if not outcome.ok:
        return _page(request, service_id, errors=outcome.errors)
    _forget(request)
    return saved(f"/admin/services/{service_id}", "Revoked")


def _shown_once(request: Request, service_id: int, type_: str, name: str, key: str) -> Response:
    base = context_of(request).settings.resolved_base_url
    new = {"type": type_, "name": name, "key": key, "url": endpoint_url(base, type_, key)}
    return _page(request, service_id, new=new)


def _forget(request: Request) -> None:
    intake = context_of(request).intake
    if intake is not None:
        intake.keys.forget()
