"""`POST /api/v1/integrations/{key}/alertmanager|grafana|events`: alerts in native formats."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import JSONResponse

from watchkeeper.core.errors import BadRequest, FieldError, NotFound
from watchkeeper.pipeline.ingest.adapters import Parse, PayloadError, alertmanager, generic, grafana
from watchkeeper.pipeline.ingest.adapters.common import ROOT
from watchkeeper.pipeline.ingest.integrations import KEY_PATTERN
from watchkeeper.pipeline.ingest.writer import Submission
from watchkeeper.web.context import context_of
from watchkeeper.web.wire.intake import commit, read_json, target_of

ADAPTERS: dict[str, tuple[str, Parse]] = {
    "alertmanager": ("alertmanager", alertmanager.parse),
    "grafana": ("grafana", grafana.parse),
    "events": ("generic", generic.parse),
}
Kind = Literal["alertmanager", "grafana", "events"]
KIND_PATTERN = "|".join(ADAPTERS)
# For the fast path, which matches before FastAPI's router does.
PATH_PATTERN = rf"^/api/v1/integrations/(?P<key>{KEY_PATTERN})/(?P<kind>{KIND_PATTERN})$"


class _KeyConvertor(Convertor[str]):
    regex = KEY_PATTERN

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


class _KindConvertor(_KeyConvertor):
    regex = f"(?:{KIND_PATTERN})"


# Intake matches only real key shapes and known kinds, so the admin routes beside it
# (`/api/v1/integrations/{id}/rotate`) are never taken for an event post.
register_url_convertor("integration_key", _KeyConvertor())
register_url_convertor("intake_kind", _KindConvertor())
router = APIRouter(tags=["integrations"])
ACCEPTED = {
    "description": "Committed: every event in the body is stored",
    "content": {"application/json": {"example": {"status": "accepted", "events": 2}}},
}


def bad_payload(exc: PayloadError) -> BadRequest:
    location = "body" if exc.field == ROOT else f"body.{exc.field}"
    return BadRequest(
        f"the payload is not valid: {exc}", errors=[FieldError(location, exc.message)]
    )


@router.post(
    "/api/v1/integrations/{key:integration_key}/{kind:intake_kind}",
    status_code=202,
    summary="Send alerts (Alertmanager webhook v4, Grafana webhook, or Watchkeeper events)",
    responses={202: ACCEPTED},
)
async def receive(request: Request, key: str, kind: Kind) -> JSONResponse:
    """`kind` is `alertmanager`, `grafana` or `events`, and must match the integration's type.
    A wrong key or kind is 404; 202 means the events are committed."""
    adapter = ADAPTERS.get(kind)
    if adapter is None:
        raise NotFound(f"no route {request.url.path}")
    target = target_of(request, key, adapter[0])
    raw, payload = await read_json(request)
    now = context_of(request).clock.now()
    try:
        events = adapter[1](payload, now)
    except PayloadError as exc:
        raise bad_payload(exc) from exc
    submission = Submission(
        integration_id=target.integration_id,
        service_id=target.service_id,
        received_at=now,
        events=events,
        raw=raw,
        content_type=request.headers.get("content-type", ""),
    )
    await commit(request, submission)
    body: dict[str, Any] = {"status": "accepted", "events": len(events)}
    return JSONResponse(body, status_code=202)
