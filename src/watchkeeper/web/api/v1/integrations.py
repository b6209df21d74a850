"""`/api/v1/services/{id}/integrations` and `/api/v1/integrations/{id}`: inbound keys."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Response
from starlette.requests import Request

from watchkeeper.core.ids import Id
from watchkeeper.pipeline.ingest import integrations
from watchkeeper.pipeline.ingest.models import Integration
from watchkeeper.pipeline.ingest.schemas import (
    IntegrationCreate,
    IntegrationKey,
    IntegrationOut,
    IntegrationUpdate,
    RotateIn,
)
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import NO_STORE, ApiAdmin, ApiViewer, DbSession, Now

router = APIRouter(tags=["integrations"])


def endpoint_url(base: str, type_: str, key: str) -> str:
    """Where a source of `type_` sends, with `key` in place."""
    if type_ == "pagerduty":
        return f"{base}/v2/enqueue"
    if type_ == "heartbeat":
        return f"{base}/api/v1/heartbeats/{key}"
    kind = "events" if type_ == "generic" else type_
    return f"{base}/api/v1/integrations/{key}/{kind}"


def _with_key(request: Request, integration: Integration, key: str) -> IntegrationKey:
    base = context_of(request).settings.resolved_base_url
    out = IntegrationOut.model_validate(integration)
    return IntegrationKey(
        **out.model_dump(), key=key, url=endpoint_url(base, integration.type, key)
    )


@router.get("/services/{service_id}/integrations", summary="A service's integrations")
def list_integrations(_: ApiViewer, session: DbSession, service_id: Id) -> list[IntegrationOut]:
    rows = integrations.list_(session, service_id=service_id)
    return [IntegrationOut.model_validate(row) for row in rows]


@router.post(
    "/services/{service_id}/integrations",
    status_code=201,
    summary="Add an integration (the key and URL are shown once)",
    dependencies=[NO_STORE],
)
def create_integration(
    _: ApiAdmin,
    request: Request,
    session: DbSession,
    now: Now,
    service_id: Id,
    body: IntegrationCreate,
    response: Response,
) -> IntegrationKey:
    integration, key = integrations.create(
        session,
        service_id=service_id,
        type_=body.type,
        name=body.name,
        now=now,
        period_seconds=body.period_seconds,
        grace_seconds=body.grace_seconds,
    )
    response.headers["Location"] = f"/api/v1/integrations/{integration.id}"
    return _with_key(request, integration, key)


@router.get("/integrations/{integration_id}", summary="An integration (never its key)")
def get_integration(_: ApiViewer, session: DbSession, integration_id: Id) -> IntegrationOut:
    return IntegrationOut.model_validate(integrations.get(session, integration_id=integration_id))


@router.patch(
    "/integrations/{integration_id}",
    summary="Rename an integration; change a heartbeat's period and grace",
)
def update_integration(
    _: ApiAdmin, session: DbSession, integration_id: Id, body: IntegrationUpdate
) -> IntegrationOut:
    integration = integrations.update(
        session,
        integration_id=integration_id,
        name=body.name,
        period_seconds=body.period_seconds,
        grace_seconds=body.grace_seconds,
    )
    return IntegrationOut.model_validate(integration)


@router.post(
    "/integrations/{integration_id}/rotate",
    summary="New key; the old one has a grace",
    dependencies=[NO_STORE],
)
def rotate_integration(
    _: ApiAdmin,
    request: Request,
    session: DbSession,
    now: Now,
    integration_id: Id,
    body: RotateIn | None = None,
) -> IntegrationKey:
    grace = timedelta(hours=body.grace_hours if body else 24)
    integration, key = integrations.rotate(
        session, integration_id=integration_id, now=now, grace=grace
    )
    _forget_keys(request)
    return _with_key(request, integration, key)


@router.delete("/integrations/{integration_id}", status_code=204, summary="Revoke an integration")
def revoke_integration(
    _: ApiAdmin, request: Request, session: DbSession, now: Now, integration_id: Id
) -> None:
    integrations.revoke(session, integration_id=integration_id, now=now)
    _forget_keys(request)


def _forget_keys(request: Request) -> None:
    """Drop cached keys so a revocation or rotation takes effect in this process at once."""
    intake = context_of(request).intake
    if intake is not None:
        intake.keys.forget()
