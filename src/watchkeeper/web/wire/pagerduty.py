"""`POST /v2/enqueue` and `/v2/change/enqueue`: PagerDuty Events API v2, with its answers.

PagerDuty's clients read `status`, `message`, `dedup_key` (202) and `errors` (400), so
these routes answer in PagerDuty's shape rather than as problem+json.
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import JSONResponse

from watchkeeper.core.errors import BadRequest, TooManyRequests
from watchkeeper.pipeline.ingest.adapters import PayloadError, pagerduty
from watchkeeper.pipeline.ingest.writer import Submission
from watchkeeper.web.context import context_of
from watchkeeper.web.wire.intake import commit, read_json, target_of

router = APIRouter(tags=["integrations"])


def _invalid(errors: list[str]) -> JSONResponse:
    body = {"status": "invalid event", "message": "Event object is invalid", "errors": errors}
    return JSONResponse(body, status_code=400)


def _throttled(exc: TooManyRequests) -> JSONResponse:
    body = {"status": "throttle event", "message": exc.detail}
    headers = {"Retry-After": str(exc.extra.get("retry_after", 1))}
    return JSONResponse(body, status_code=429, headers=headers)


@router.post("/v2/enqueue", status_code=202, summary="PagerDuty Events API v2: alert events")
async def enqueue(request: Request) -> JSONResponse:
    """`routing_key` is the integration key of a `pagerduty` integration."""
    try:
        raw, payload = await read_json(request)
    except BadRequest as exc:
        return _invalid([exc.detail])
    now = context_of(request).clock.now()
    try:
        routing_key, event = pagerduty.parse_event(payload, now)
    except PayloadError as exc:
        return _invalid([str(exc)])
    try:
        target = target_of(request, routing_key, "pagerduty")
    except TooManyRequests as exc:
        return _throttled(exc)
    submission = Submission(
        integration_id=target.integration_id,
        service_id=target.service_id,
        received_at=now,
        events=[event],
        raw=raw,
        content_type=request.headers.get("content-type", ""),
    )
    await commit(request, submission)
    body = {"status": "success", "message": "Event processed", "dedup_key": event.fingerprint()}
    return JSONResponse(body, status_code=202)


@router.post("/v2/change/enqueue", status_code=202, summary="PagerDuty Events API v2: changes")
async def change_enqueue(request: Request) -> JSONResponse:
    """A deploy or configuration change, shown on the service's incidents."""
    try:
        raw, payload = await read_json(request)
    except BadRequest as exc:
        return _invalid([exc.detail])
    now = context_of(request).clock.now()
    try:
        routing_key, change = pagerduty.parse_change(payload, now)
    except PayloadError as exc:
        return _invalid([str(exc)])
    try:
        target = target_of(request, routing_key, "pagerduty")
    except TooManyRequests as exc:
        return _throttled(exc)
    submission = Submission(
        integration_id=target.integration_id,
        service_id=target.service_id,
        received_at=now,
        changes=[change],
        raw=raw,
        content_type=request.headers.get("content-type", ""),
    )
    await commit(request, submission)
    return JSONResponse({"status": "success", "message": "Change event processed"}, status_code=202)
