"""ASGI middleware: request metrics by route template, and security headers."""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Pages load scripts and styles only from here; Swagger UI's page needs an inline script.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
_NO_CSP_PATHS = ("/docs",)


class HttpMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "watchkeeper_http_requests_total",
            "HTTP requests by method, route template and status.",
            ["method", "route", "status"],
            registry=registry,
        )
        self.seconds = Histogram(
            "watchkeeper_http_request_seconds",
            "HTTP request duration by route template.",
            ["route"],
            registry=registry,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
        )


class ObservabilityMiddleware:
    def __init__(self, app: ASGIApp, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500
        path = scope["path"]

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                headers.setdefault("X-Frame-Options", "DENY")
                if not path.startswith(_NO_CSP_PATHS):
                    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            template = _route_template(scope)
            self.metrics.requests.labels(scope["method"], template, str(status)).inc()
            self.metrics.seconds.labels(template).observe(time.perf_counter() - started)


def _route_template(scope: Scope) -> str:
    """The matched route's full path template (`/api/v1/users/{user_id}`), never the raw path.

    FastAPI resolves included routers lazily and records the full template in its own
    scope entry; `scope["route"]` alone holds the path relative to the innermost router.
    """
    effective = scope.get("fastapi", {}).get("effective_route_context")
    template = getattr(effective, "path", None) or getattr(scope.get("route"), "path", None)
    return str(template) if template else "unmatched"
