"""What every wire endpoint shares: key lookup, rate limit, JSON reading, commit-then-202."""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any

import orjson
from limits import parse, storage, strategies
from starlette.requests import Request

from watchkeeper.core.errors import BadRequest, FieldError, NotFound, TooManyRequests, Unavailable
from watchkeeper.db.errors import is_unavailable
from watchkeeper.pipeline.ingest.integrations import Target
from watchkeeper.pipeline.ingest.keys import KeyCache
from watchkeeper.pipeline.ingest.writer import IntakeWriter, Submission
from watchkeeper.web.context import context_of

MAX_DEPTH = 32


@dataclass
class Intake:
    """The ingest machinery the composition root gives the web app."""

    writer: IntakeWriter
    keys: KeyCache
    rate: str
    storage_uri: str = "memory://"

    def __post_init__(self) -> None:
        self._item = parse(self.rate)
        self._limiter = strategies.MovingWindowRateLimiter(
            storage.storage_from_string(self.storage_uri)
        )

    def admit(self, target: Target) -> None:
        """Count a request against its integration's rate; 429 with Retry-After when over."""
        if not self._limiter.hit(self._item, "integration", str(target.integration_id)):
            key = str(target.integration_id)
            stats = self._limiter.get_window_stats(self._item, "integration", key)
            wait = max(1, int(stats.reset_time - time.time()))
            raise TooManyRequests(
                f"integration {target.name!r} is over its rate of {self.rate}",
                extra={"retry_after": wait},
            )


def intake_of(request: Request) -> Intake:
    intake = context_of(request).intake
    if intake is None:
        raise Unavailable("this server does not accept events")
    assert isinstance(intake, Intake)
    return intake


def target_of(request: Request, key: str, *types: str) -> Target:
    """The integration behind `key`; 404 without a hint for a wrong key or type."""
    ctx = context_of(request)
    target = intake_of(request).keys.find(key, ctx.clock.now())
    if target is None or (types and target.type not in types):
        raise NotFound(f"no route {request.url.path}")
    intake_of(request).admit(target)
    return target


async def read_json(request: Request) -> tuple[bytes, Any]:
    """The raw body and its JSON; 400 naming the problem when it is not JSON."""
    raw = await request.body()
    if not raw.strip():
        raise BadRequest("the request body is empty", errors=[FieldError("body", "expected JSON")])
    try:
        data = _loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequest(
            f"the request body is not valid JSON ({exc})", errors=[FieldError("body", str(exc))]
        ) from exc
    except RecursionError as exc:
        raise BadRequest(f"JSON nested deeper than {MAX_DEPTH} levels") from exc
    if _depth(data) > MAX_DEPTH:
        raise BadRequest(
            f"JSON nested deeper than {MAX_DEPTH} levels",
            errors=[FieldError("body", "too deeply nested")],
        )
    return raw, data


def _loads(raw: bytes) -> Any:
    """orjson first (4x faster on a one-alert body, 2x on a hundred); anything it refuses
    goes through the standard library, which keeps what we accepted before (integers
    beyond 64 bits, NaN) and its error messages."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return json.loads(raw)


def _depth(data: Any) -> int:
    deepest = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, level = stack.pop()
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            return level
        if isinstance(value, dict):
            stack.extend((child, level + 1) for child in value.values())
        elif isinstance(value, list):
            stack.extend((child, level + 1) for child in value)
    return deepest


async def commit(request: Request, submission: Submission) -> int:
    """Hand the submission to the group-commit writer and wait until it is committed."""
    future = intake_of(request).writer.submit(submission)
    try:
        return await asyncio.wrap_future(future)
    except Exception as exc:
        if is_unavailable(exc):
            down = Unavailable("the database is unreachable; nothing was stored; retry")
            down.extra["retry_after"] = 5
            raise down from exc
        raise
