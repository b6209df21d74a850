"""A short path for the busiest routes: alert intake skips FastAPI's routing and middleware.

Monitoring tools post far more often than people click. For the intake routes this ASGI
app calls the same endpoint functions directly (the FastAPI routes stay, for the API
docs and as the one implementation), with the same body limit and error mapping; every
other request goes on to the FastAPI app unchanged.
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from watchkeeper.web.middleware import BodyLimitMiddleware, HttpMetrics
from watchkeeper.web.problems import to_response
from watchkeeper.web.wire import alerts, pagerduty

Endpoint = Callable[..., Awaitable[Response]]
_ROUTES: tuple[tuple[re.Pattern[str], str, Endpoint], ...] = (
    (
        re.compile(alerts.PATH_PATTERN),
        "/api/v1/integrations/{key}/{kind}",
        alerts.receive,
    ),
    (re.compile(r"^/v2/enqueue$"), "/v2/enqueue", pagerduty.enqueue),
    (re.compile(r"^/v2/change/enqueue$"), "/v2/change/enqueue", pagerduty.change_enqueue),
)


class WireFastPath:
    def __init__(self, app: FastAPI, *, max_body_bytes: int, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics
        self._limited = BodyLimitMiddleware(self._handle, max_bytes=max_body_bytes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            for pattern, template, endpoint in _ROUTES:
                found = pattern.match(scope["path"])
                if found:
                    scope["app"] = self.app
                    scope["watchkeeper.route"] = (template, endpoint, found.groupdict())
                    await self._limited(scope, receive, send)
                    return
        await self.app(scope, receive, send)

    async def _handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        template, endpoint, params = scope["watchkeeper.route"]
        request = Request(scope, receive)
        try:
            response = await endpoint(request, **params)
        except Exception as exc:
            response = to_response(request, exc)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        await response(scope, receive, send)
        self.metrics.requests.labels("POST", template, str(response.status_code)).inc()
        self.metrics.seconds.labels(template).observe(time.perf_counter() - started)
