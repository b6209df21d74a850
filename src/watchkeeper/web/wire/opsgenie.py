"""`/v2/alerts...`: the Opsgenie Alert API v2 writes (create and the alert actions).

Opsgenie's clients read `result`, `took` and `requestId` (202) and `message` and
`errors` (422), so these routes answer in Opsgenie's shape. The key comes as
`Authorization: GenieKey <integration key>`; a wrong or missing key is a 404 without a
hint, as on every intake route. Each request is applied in its own transaction before
the 202 leaves (Opsgenie processes later; here the request status is ready at once).
Reads are in `opsgenie_reads.py`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from watchkeeper.core.errors import BadRequest, NotFound, TooManyRequests
from watchkeeper.pipeline.ingest.adapters import PayloadError
from watchkeeper.pipeline.ingest.adapters import opsgenie as adapter
from watchkeeper.pipeline.ingest.integrations import Target
from watchkeeper.pipeline.ingest.opsgenie import service
from watchkeeper.pipeline.ingest.opsgenie.errors import OpsgenieError, Unprocessable
from watchkeeper.pipeline.ingest.opsgenie.queries import identifier_type
from watchkeeper.web.context import context_of
from watchkeeper.web.wire.intake import intake_of, read_json, target_of

router = APIRouter(tags=["integrations"])
INTEGRATION_TYPES = ("generic",)
ACCEPTED = {"description": "Applied and committed; the request status tells the outcome"}


def reply(status: int, request_id: str, started: float, **fields: Any) -> JSONResponse:
    body = {**fields, "took": round(time.perf_counter() - started, 3), "requestId": request_id}
    return JSONResponse(body, status_code=status)


def refusal(exc: OpsgenieError, request_id: str, started: float) -> JSONResponse:
    fields: dict[str, Any] = {"message": exc.message}
    if exc.errors:
        fields["errors"] = exc.errors
    return reply(exc.status, request_id, started, **fields)


def genie_target(request: Request) -> Target:
    """The integration behind `Authorization: GenieKey <key>`; 404 otherwise."""
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "geniekey" or not key.strip():
        raise NotFound(f"no route {request.url.path}")
    return target_of(request, key.strip(), *INTEGRATION_TYPES)


async def _optional_json(request: Request) -> tuple[bytes, Any]:
    raw = await request.body()
    if not raw.strip():
        return raw, None
    return await read_json(request)


def _unprocessable(exc: PayloadError) -> Unprocessable:
    return Unprocessable(
        "Request body is not processable. Please check the errors.", {exc.field: exc.message}
    )


async def _apply(
    request: Request, started: float, request_id: str, work: Callable[[Session], service.Outcome]
) -> JSONResponse:
    intake = intake_of(request)
    outcome = await run_in_threadpool(intake.writer.database.run_eagerly, work)
    if outcome.paged:
        intake.writer.wake()
    return reply(202, request_id, started, result="Request will be processed")


def _throttled(exc: TooManyRequests, request_id: str, started: float) -> JSONResponse:
    response = reply(429, request_id, started, message=exc.detail)
    response.headers["Retry-After"] = str(exc.extra.get("retry_after", 1))
    return response


@router.post(
    "/v2/alerts",
    status_code=202,
    summary="Opsgenie Alert API: create alert",
    responses={202: ACCEPTED},
)
async def create_alert(request: Request) -> JSONResponse:
    """An open alert with the same alias is counted again instead (Opsgenie's dedup)."""
    started, request_id = time.perf_counter(), service.new_id()
    try:
        target = genie_target(request)
        raw, payload = await read_json(request)
        alert = adapter.parse_create(payload)
    except TooManyRequests as exc:
        return _throttled(exc, request_id, started)
    except BadRequest as exc:
        return reply(400, request_id, started, message=exc.detail)
    except PayloadError as exc:
        return refusal(_unprocessable(exc), request_id, started)
    now = context_of(request).clock.now()
    stored = service.Raw(raw, request.headers.get("content-type", ""))
    return await _apply(
        request,
        started,
        request_id,
        lambda s: service.create(
            s, target=target, alert=alert, raw=stored, request_id=request_id, now=now
        ),
    )


async def _action(request: Request, identifier: str, action: str) -> JSONResponse:
    """Read an action's body and arguments, then apply it; every action goes through here."""
    started, request_id = time.perf_counter(), service.new_id()
    ctx = context_of(request)
    now = ctx.clock.now()
    try:
        target = genie_target(request)
        kind = identifier_type(request.query_params.get("identifierType"))
        if action in ("remove_tags", "remove_details"):
            raw, payload = b"", None
            body = adapter.ActionBody(
                user=request.query_params.get("user", "")[:100],
                source=request.query_params.get("source", "")[:100],
                note=request.query_params.get("note", "")[: adapter.LIMITS["note"]],
            )
        else:
            raw, payload = await _optional_json(request)
            body = adapter.parse_action(payload)
        argument = _argument(action, payload, request, now)
    except TooManyRequests as exc:
        return _throttled(exc, request_id, started)
    except BadRequest as exc:
        return reply(400, request_id, started, message=exc.detail)
    except PayloadError as exc:
        return refusal(_unprocessable(exc), request_id, started)
    except OpsgenieError as exc:
        return refusal(exc, request_id, started)
    stored = service.Raw(raw, request.headers.get("content-type", ""))
    return await _apply(
        request,
        started,
        request_id,
        lambda s: service.act(
            s,
            target=target,
            identifier=identifier,
            identifier_type=kind,
            action=action,
            body=body,
            raw=stored,
            request_id=request_id,
            now=now,
            argument=argument,
        ),
    )


def _argument(action: str, payload: Any, request: Request, now: Any) -> Any:
    """The action's own argument, checked before anything is written."""
    body = payload if isinstance(payload, dict) else {}
    if action == "snooze":
        return adapter.end_time(body.get("endTime"), now)
    if action == "note":
        if not str(body.get("note") or "").strip():
            raise PayloadError("note", "is required")
        return None
    if action == "add_tags":
        tags = adapter.words(body.get("tags"), "tags")
        if not tags:
            raise PayloadError("tags", "is required")
        return tags
    if action == "add_details":
        details = adapter.details(body.get("details"), "details")
        if not details:
            raise PayloadError("details", "is required")
        return details
    if action in ("remove_tags", "remove_details"):
        name = "tags" if action == "remove_tags" else "keys"
        words = adapter.words(request.query_params.get(name, ""), name)
        if not words:
            raise PayloadError(name, "is required")
        return words
    if action in ("message", "description"):
        return adapter.updated_text(body, action)
    if action == "priority":
        if body.get("priority") is None:
            raise PayloadError("priority", "is required")
        return adapter.priority(body["priority"])
    if action == "escalate":
        if body.get("escalation") is None:
            raise PayloadError("escalation", "is required")
        return adapter.recipient(body["escalation"], "escalation", ())
    if action == "assign":
        if body.get("owner") is None:
            raise PayloadError("owner", "is required")
        return adapter.recipient(body["owner"], "owner", ())
    return None


def _route(path: str, action: str, summary: str, method: str = "POST") -> None:
    async def endpoint(request: Request, identifier: str) -> JSONResponse:
        return await _action(request, identifier, action)

    endpoint.__name__ = f"opsgenie_{action}"
    endpoint.__doc__ = (
        f"Opsgenie Alert API: {summary.lower()} (`identifierType` id, tiny or alias)."
    )
    router.add_api_route(
        path,
        endpoint,
        methods=[method],
        status_code=202,
        summary=f"Opsgenie Alert API: {summary}",
        responses={202: ACCEPTED},
    )


for _path, _action_name, _summary, _method in (
    ("acknowledge", "acknowledge", "acknowledge alert", "POST"),
    ("unacknowledge", "unacknowledge", "unacknowledge alert", "POST"),
    ("close", "close", "close alert", "POST"),
    ("snooze", "snooze", "snooze alert", "POST"),
    ("notes", "note", "add note", "POST"),
    ("tags", "add_tags", "add tags", "POST"),
    ("tags", "remove_tags", "remove tags", "DELETE"),
    ("details", "add_details", "add details", "POST"),
    ("details", "remove_details", "remove details", "DELETE"),
    ("escalate", "escalate", "escalate to next", "POST"),
    ("assign", "assign", "assign alert", "POST"),
    ("message", "message", "update message", "PUT"),
    ("description", "description", "update description", "PUT"),
    ("priority", "priority", "update priority", "PUT"),
):
    _route(f"/v2/alerts/{{identifier:path}}/{_path}", _action_name, _summary, _method)
