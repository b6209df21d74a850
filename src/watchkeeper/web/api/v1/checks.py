"""`/api/v1/checks`: synthetic checks (JSON or YAML bodies), their results and uptime."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.requests import Request

from watchkeeper.catalog.access.principal import Principal
from watchkeeper.catalog.users.roles import Role
from watchkeeper.core.ids import Id
from watchkeeper.monitoring.checks import queries
from watchkeeper.monitoring.checks import service as checks
from watchkeeper.monitoring.checks.schemas import (
    DEFINITION,
    CheckIn,
    CheckOut,
    CheckPatch,
    ResultOut,
    UptimeOut,
    located,
)
from watchkeeper.pipeline.notify.channels.guard import OutboundGuard
from watchkeeper.web import check_bodies
from watchkeeper.web.check_bodies import YAML_TYPES
from watchkeeper.web.context import context_of
from watchkeeper.web.deps import ApiResponder, ApiViewer, DbSession, Now

router = APIRouter(tags=["checks"])
_BODY_DOC: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "The same fields are accepted as YAML with `Content-Type: "
        "application/yaml` (or `application/x-yaml`, `text/yaml`).",
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["kind", "name", "service_id"],
                    "description": "A check definition; `kind` (http, tcp, port, tls, dns) "
                    "decides the other fields (docs/checks.md).",
                }
            }
        },
    }
}


async def _check_body(request: Request) -> CheckIn:
    """The definition as JSON or, with a YAML content type, as YAML (same fields)."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    data = check_bodies.read(await request.body(), yaml_text=kind in YAML_TYPES)
    try:
        return DEFINITION.validate_python(data)
    except ValidationError as exc:
        raise RequestValidationError(located(exc, under="body")) from None


CheckBody = Annotated[CheckIn, Depends(_check_body)]


def _allow(request: Request) -> OutboundGuard:
    return OutboundGuard(context_of(request).settings.checks_allow)


def _admin(principal: Principal) -> bool:
    return principal.role is Role.ADMIN


@router.get("/checks", summary="Checks, optionally of one service")
def list_checks(_: ApiViewer, session: DbSession, service_id: Id | None = None) -> list[CheckOut]:
    return [CheckOut.model_validate(c) for c in checks.list_(session, service_id=service_id)]


@router.post(
    "/checks", status_code=201, summary="Add a check (JSON or YAML)", openapi_extra=_BODY_DOC
)
def create_check(
    principal: ApiResponder,
    request: Request,
    session: DbSession,
    now: Now,
    body: CheckBody,
    response: Response,
) -> CheckOut:
    check = checks.create(
        session,
        data=body,
        user_id=principal.user_id,
        admin=_admin(principal),
        allow=_allow(request),
        now=now,
    )
    response.headers["Location"] = f"/api/v1/checks/{check.id}"
    return CheckOut.model_validate(check)


@router.get("/checks/{check_id}", summary="A check and its current state")
def get_check(_: ApiViewer, session: DbSession, check_id: Id) -> CheckOut:
    return CheckOut.model_validate(checks.get(session, check_id=check_id))


@router.put("/checks/{check_id}", summary="Replace a check's definition", openapi_extra=_BODY_DOC)
def replace_check(
    principal: ApiResponder,
    request: Request,
    session: DbSession,
    now: Now,
    check_id: Id,
    body: CheckBody,
) -> CheckOut:
    check = checks.replace(
        session,
        check_id=check_id,
        data=body,
        admin=_admin(principal),
        allow=_allow(request),
        now=now,
    )
    return CheckOut.model_validate(check)


@router.patch("/checks/{check_id}", summary="Pause or resume a check")
def patch_check(
    _: ApiResponder, session: DbSession, now: Now, check_id: Id, body: CheckPatch
) -> CheckOut:
    check = checks.set_paused(session, check_id=check_id, paused=body.paused, now=now)
    return CheckOut.model_validate(check)


@router.delete("/checks/{check_id}", status_code=204, summary="Delete a check and its history")
def delete_check(_: ApiResponder, session: DbSession, now: Now, check_id: Id) -> None:
    checks.delete(session, check_id=check_id, now=now)


@router.get("/checks/{check_id}/results", summary="Recent runs (kept 7 days by default)")
def check_results(
    _: ApiViewer,
    session: DbSession,
    now: Now,
    check_id: Id,
    hours: Annotated[int, Query(ge=1, le=24 * 90)] = 24,
    failed_only: bool = False,
) -> list[ResultOut]:
    checks.get(session, check_id=check_id)
    rows = (
        queries.failures(session, check_id=check_id, limit=200)
        if failed_only
        else queries.results(session, check_id=check_id, since=now - timedelta(hours=hours))
    )
    return [ResultOut.model_validate(row) for row in rows]


@router.get("/checks/{check_id}/uptime", summary="Uptime % over 24 h, 7, 30, 90 and 365 days")
def check_uptime(_: ApiViewer, session: DbSession, now: Now, check_id: Id) -> UptimeOut:
    checks.get(session, check_id=check_id)
    return UptimeOut(check_id=check_id, windows=queries.uptime(session, check_id=check_id, now=now))
