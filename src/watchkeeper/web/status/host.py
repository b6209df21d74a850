"""Serve a status page at the root of its custom domain: a request whose Host names one
is routed to that page's paths. Lookups are cached briefly, so other hosts cost nothing."""

from __future__ import annotations

import time
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

# Paths a custom domain serves from its page; everything else (static files) as usual.
_PAGE_PATHS = ("/api/v2/", "/feed.", "/components/", "/subscribe", "/unsubscribe", "/incidents/")
TTL_SECONDS = 10.0


class StatusPageHosts:
    def __init__(self, app: ASGIApp, *, lookup: Callable[[str], str | None]) -> None:
        self.app = app
        self.lookup = lookup
        self._cache: dict[str, tuple[str | None, float]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path = scope["path"]
            if path == "/" or path.startswith(_PAGE_PATHS):
                slug = await self._slug(_host(scope))
                if slug is not None:
                    scope = {**scope, "path": f"/status/{slug}{path.rstrip('/')}"}
                    scope["state"] = {**scope.get("state", {}), "status_host": True}
        await self.app(scope, receive, send)

    async def _slug(self, host: str) -> str | None:
        if not host:
            return None
        found = self._cache.get(host)
        now = time.monotonic()
        if found is None or found[1] < now:
            found = (await run_in_threadpool(self.lookup, host), now + TTL_SECONDS)
            if len(self._cache) > 1000:
                self._cache.clear()
            self._cache[host] = found
        return found[0]


def _host(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"host" and isinstance(value, bytes):
            return value.decode("latin-1").rsplit(":", 1)[0].lower()
    return ""
