"""Everything a request handler may need, built by the composition root and put on the app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry
from starlette.requests import Request

from watchkeeper.catalog.access.service import SessionPolicy
from watchkeeper.catalog.access.throttle import LoginThrottle
from watchkeeper.core.clock import Clock
from watchkeeper.db.sealing import Sealer
from watchkeeper.db.session import Database
from watchkeeper.pipeline.notify.throttle import CodeThrottle
from watchkeeper.response.statuspage.queries import BarCache
from watchkeeper.settings import Settings
from watchkeeper.web.status.throttle import SubscribeThrottle

if TYPE_CHECKING:
    from watchkeeper.catalog.sso.service import SsoRules
    from watchkeeper.web.oidc import OidcClient
    from watchkeeper.web.wire.intake import Intake


def _nothing() -> None:
    return None


@dataclass
class WebContext:
    settings: Settings
    database: Database
    clock: Clock
    registry: CollectorRegistry
    throttle: LoginThrottle
    session_policy: SessionPolicy
    secret_key: str
    # Opens contact-method addresses and secrets, sealed at rest, to show their owner.
    sealer: Sealer
    # Hooks into the engine, given as callables because web never imports the engine.
    wake_engine: Callable[[], None] = _nothing
    on_startup: list[Callable[[], None]] = field(default_factory=list)
    on_shutdown: list[Callable[[], None]] = field(default_factory=list)
    # Event intake (group-commit writer, key cache, rate limit); None serves no wire routes.
    intake: Intake | None = None
    # Verification codes sent and tried, per person.
    code_throttle: CodeThrottle = field(default_factory=CodeThrottle)
    # Single sign-on through an OpenID Connect provider; None: local login only.
    oidc: OidcClient | None = None
    sso_rules: SsoRules | None = None
    # Readiness wants an engine heartbeat at most this old.
    engine_stale_after: timedelta = timedelta(seconds=15)
    # Status pages' uptime bars of finished days (they never change).
    status_bars: BarCache = field(default_factory=BarCache)
    subscribe_throttle: SubscribeThrottle = field(default_factory=SubscribeThrottle)

    @property
    def session_cookie(self) -> str:
        # The __Host- prefix makes browsers refuse the cookie unless it is Secure, host-only.
        return "__Host-wk_session" if self.settings.resolved_cookie_secure else "wk_session"

    @property
    def login_csrf_cookie(self) -> str:
        return "__Host-wk_csrf" if self.settings.resolved_cookie_secure else "wk_csrf"


def context_of(request: Request) -> WebContext:
    ctx = request.app.state.ctx
    assert isinstance(ctx, WebContext)
    return ctx
