"""`GET|POST /api/v1/heartbeats/{key}` (+ `/start`, `/fail`): check-ins from cron jobs."""

from __future__ import annotations

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import JSONResponse

from watchkeeper.core.errors import NotFound
from watchkeeper.pipeline.ingest import heartbeats
from watchkeeper.web.context import context_of
from watchkeeper.web.wire.intake import target_of

router = APIRouter(tags=["integrations"])


def _ping(request: Request, key: str, kind: str) -> JSONResponse:
    ctx = context_of(request)
    target = target_of(request, key, "heartbeat")
    now = ctx.clock.now()
    status = ctx.database.run(
        lambda s: (
            heartbeats.ping(s, integration_id=target.integration_id, kind=kind, now=now).status
        )
    )
    ctx.wake_engine()
    return JSONResponse({"status": "ok", "heartbeat": status})


@router.post("/api/v1/heartbeats/{key}", summary="Check in: the job succeeded")
def success(request: Request, key: str) -> JSONResponse:
    return _ping(request, key, "success")


@router.get("/api/v1/heartbeats/{key}", summary="Check in (GET, for the simplest cron lines)")
def success_get(request: Request, key: str) -> JSONResponse:
    return _ping(request, key, "success")


@router.post("/api/v1/heartbeats/{key}/{signal}", summary="Check in: start or fail")
def signal(request: Request, key: str, signal: str) -> JSONResponse:
    """`start`: the job began (it must then succeed within the grace time); `fail`: it failed."""
    return _signal(request, key, signal)


@router.get("/api/v1/heartbeats/{key}/{signal}", summary="Check in: start or fail (GET)")
def signal_get(request: Request, key: str, signal: str) -> JSONResponse:
    return _signal(request, key, signal)


def _signal(request: Request, key: str, signal: str) -> JSONResponse:
    if signal not in ("start", "fail"):
        raise NotFound(f"no route {request.url.path}")
    return _ping(request, key, signal)
