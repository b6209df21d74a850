"""The app factory: routes, error mapping, static files and lifecycle hooks."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp

from watchkeeper import __version__
from watchkeeper.db.audit import capture
from watchkeeper.response.statuspage import service as statuspages
from watchkeeper.web import problems, system
from watchkeeper.web.api.v1 import router as api_v1
from watchkeeper.web.audit import AuditMiddleware
from watchkeeper.web.context import WebContext
from watchkeeper.web.middleware import BodyLimitMiddleware, HttpMetrics, ObservabilityMiddleware
from watchkeeper.web.status import feeds as status_feeds
from watchkeeper.web.status import public as status_public
from watchkeeper.web.status import subscribe as status_subscribe
from watchkeeper.web.status.host import StatusPageHosts
from watchkeeper.web.ui.routes import action_links
from watchkeeper.web.ui.routes import router as ui_router
from watchkeeper.web.ui.templating import STATIC_DIR
from watchkeeper.web.wire import alerts, heartbeats, opsgenie, opsgenie_reads, pagerduty
from watchkeeper.web.wire.fastpath import WireFastPath

API_DESCRIPTION = (
    "Watchkeeper's REST API. Authenticate with `Authorization: Bearer <token>` "
    "(create tokens on your account page or with `watchkeeper token create`). "
    "Errors are RFC 9457 problem details. Conventions: docs/api.md."
)


def create_app(ctx: WebContext) -> ASGIApp:
    """The web application: the FastAPI app behind the intake short path."""
    metrics = HttpMetrics(ctx.registry)
    capture.install()
    app = _fastapi_app(ctx, metrics)
    return WireFastPath(app, max_body_bytes=ctx.settings.ingest_max_body_bytes, metrics=metrics)


def _fastapi_app(ctx: WebContext, metrics: HttpMetrics) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        for hook in ctx.on_startup:
            await run_in_threadpool(hook)
        try:
            yield
        finally:
            for hook in ctx.on_shutdown:
                await run_in_threadpool(hook)

    app = FastAPI(
        title="Watchkeeper",
        version=__version__,
        description=API_DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.ctx = ctx
    problems.install(app)
    # Wire routes first: they take the most requests, and routes are matched in order.
    for wire in (
        alerts.router,
        pagerduty.router,
        opsgenie_reads.router,
        opsgenie.router,
        heartbeats.router,
    ):
        app.include_router(wire)
    app.include_router(system.router)
    system.declare_bearer_auth(app)
    app.include_router(api_v1)
    app.include_router(status_public.router)
    app.include_router(status_feeds.router)
    app.include_router(status_subscribe.router)
    app.include_router(ui_router)
    app.include_router(action_links.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    ingest = ctx.settings.ingest_max_body_bytes
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=ctx.settings.max_body_bytes,
        by_prefix=(("/api/v1/integrations/", ingest), ("/v2/", ingest)),
    )
    app.add_middleware(AuditMiddleware, database=ctx.database)
    app.add_middleware(StatusPageHosts, lookup=_domain_lookup(ctx))
    app.add_middleware(ObservabilityMiddleware, metrics=metrics)
    return app


def _domain_lookup(ctx: WebContext) -> Callable[[str], str | None]:
    def lookup(host: str) -> str | None:
        return ctx.database.run(
            lambda session: statuspages.slug_for_domain(session, domain=host), write=False
        )

    return lookup
