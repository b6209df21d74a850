"""Composition root: the only place that builds concrete things and hands them down."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import structlog
from prometheus_client import CollectorRegistry

from watchkeeper.core.clock import Clock, SystemClock
from watchkeeper.db.sealing import Sealer
from watchkeeper.db.session import Database
from watchkeeper.pipeline.notify.channels.apprise_channel import AppriseChannel
from watchkeeper.pipeline.notify.channels.base import Channel
from watchkeeper.pipeline.notify.channels.email import EmailChannel, SmtpConfig
from watchkeeper.pipeline.notify.channels.guard import OutboundGuard
from watchkeeper.pipeline.notify.channels.webhook import WebhookChannel
from watchkeeper.pipeline.notify.links import Linker
from watchkeeper.settings import Settings
from watchkeeper.web.redaction import redact_access_log

if TYPE_CHECKING:
    from starlette.types import ASGIApp

    from watchkeeper.engine.runner import Runner
    from watchkeeper.monitoring.checks.probes.prober import Prober
    from watchkeeper.pipeline.ingest.keys import KeyCache
    from watchkeeper.pipeline.ingest.writer import IntakeWriter
    from watchkeeper.web.context import WebContext

# The web app (FastAPI, Jinja) and the migrations (Alembic) are imported in the functions
# that use them: the engine child of `serve` loads neither, which keeps about 40 MB of
# memory out of it.

SECRET_KEY_FILE = "secret_key"
log = structlog.get_logger(__name__)


@dataclass
class Installation:
    """What `prepare` found or made: where the data is and the first admin's password."""

    settings: Settings
    database: Database
    clock: Clock
    first_admin_password: str | None = None
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)

    @property
    def database_location(self) -> str:
        url = self.settings.resolved_database_url
        if url.startswith("sqlite:///"):
            return url.removeprefix("sqlite:///")
        return self.database.engine.url.render_as_string(hide_password=True)


def configure_logging(settings: Settings) -> None:
    """structlog for our records, and the stdlib records (uvicorn, alembic) through it."""
    processors: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
    ]
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer()
        if settings.log_format == "json"
        # Plain tracebacks: rich ones with local variables can take seconds to render.
        else structlog.dev.ConsoleRenderer(
            colors=sys.stderr.isatty(), exception_formatter=structlog.dev.plain_traceback
        )
    )
    if settings.log_format == "json":
        processors.append(structlog.processors.format_exc_info)
    structlog.configure(
        processors=[*processors, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelName(settings.log_level)
        ),
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=processors,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "alembic"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
    # Alembic narrates every step at INFO; `prepare` logs the one line that matters.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # One line per request is noise at INFO; it shows with WATCHKEEPER_LOG_LEVEL=DEBUG.
    access_level = logging.DEBUG if settings.log_level == "DEBUG" else logging.WARNING
    logging.getLogger("uvicorn.access").setLevel(access_level)
    # Request paths carry integration keys and link tokens.
    redact_access_log(logging.getLogger("uvicorn.access"))
    # The HTTP client logs every URL it calls at INFO, and Apprise its services' URLs at
    # DEBUG: a webhook's URL is its password. Deliveries are recorded on each notification.
    for name in ("httpx2", "apprise"):
        logging.getLogger(name).setLevel(logging.WARNING)


def secret_key(settings: Settings) -> str:
    """The configured secret key, or the one kept in the data dir (made on first use)."""
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value()
    path = settings.data_dir / SECRET_KEY_FILE
    if not path.exists():
        _write_private(path, os.urandom(32).hex())
    return path.read_text().strip()


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process made it first; use theirs
    with os.fdopen(fd, "w") as handle:
        handle.write(text + "\n")


def open_database(
    settings: Settings, *, sqlite_synchronous: str | None = None, **options: int
) -> Database:
    # Private when made here; an existing one keeps the mode its admin gave it.
    settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    return Database.from_url(
        settings.resolved_database_url,
        sqlite_synchronous=sqlite_synchronous or settings.sqlite_synchronous,
        pool_size=settings.db_pool_size,
        **options,
    )


def open_engine_database(settings: Settings) -> Database:
    """The engine's connections: they ask for SQLite's write lock eagerly (see
    `Database.run_eagerly`), and commit without waiting for the disk (`synchronous=NORMAL`).
    Its work is derived from what was accepted, which is always fsynced: after a power
    loss the engine may redo its last steps (a page can go out twice), but loses nothing.
    A process crash loses nothing either way."""
    return open_database(settings, sqlite_synchronous="NORMAL", sqlite_busy_timeout_ms=2)


def prepare(settings: Settings, *, clock: Clock | None = None) -> Installation:
    """Open the database, migrate it to head and make the first admin on an empty install."""
    from watchkeeper.catalog.categories import service as categories
    from watchkeeper.catalog.users import service as users
    from watchkeeper.db import migrate

    clock = clock or SystemClock()
    database = open_database(settings)
    before = migrate.current(database)
    # The key first (made on first start): migrations seal stored secrets with it.
    migrate.upgrade(database, secret_key=secret_key(settings))
    after = migrate.current(database)
    if before != after:
        log.info("database migrated", before=before or "empty", after=after)
    password = database.run(lambda s: users.ensure_first_admin(s, now=clock.now()))
    database.run(categories.seed_defaults)
    return Installation(
        settings=settings, database=database, clock=clock, first_admin_password=password
    )


def attach(settings: Settings, database: Database) -> Installation:
    """An installation someone else prepared: `serve` migrates before it starts its
    engine child, which then needs neither Alembic nor the first-admin check."""
    return Installation(settings=settings, database=database, clock=SystemClock())


def notify_channels(settings: Settings) -> dict[str, Channel]:
    """The delivery channels, each with the outbound rules (SSRF) the admin set."""
    guard = OutboundGuard(settings.outbound_allow)
    smtp = None
    if settings.smtp_host:
        smtp = SmtpConfig(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_from,
            username=settings.smtp_username,
            password=settings.smtp_password.get_secret_value() if settings.smtp_password else None,
            starttls=settings.smtp_starttls,
            ssl=settings.smtp_ssl,
        )
    return {
        "email": EmailChannel(smtp),
        "apprise": AppriseChannel(guard),
        "webhook": WebhookChannel(guard),
    }


def check_prober(settings: Settings) -> Prober:
    """What runs synthetic checks: under the outbound guard, with the checks' allow-list."""
    from watchkeeper.monitoring.checks.probes.prober import Prober

    return Prober(settings.checks_allow)


def linker(settings: Settings) -> Linker:
    return Linker(settings.resolved_base_url, secret_key(settings))


def build_runner(installation: Installation) -> Runner:
    # Imported here: the web process never runs the engine and need not load it.
    from watchkeeper.engine import modules as engine_modules
    from watchkeeper.engine.metrics import EngineMetrics
    from watchkeeper.engine.runner import Runner

    settings = installation.settings
    return Runner(
        database=installation.database,
        modules=engine_modules.build(
            installation.registry,
            settings,
            channels=notify_channels(settings),
            linker=linker(settings),
            sealer=Sealer(secret_key(settings)),
            prober=check_prober(settings).run,
            clock=installation.clock,
        ),
        clock=installation.clock,
        metrics=EngineMetrics(installation.registry),
        poll_interval=installation.settings.engine_interval,
    )


def build_mail_listener(
    settings: Settings, keys: KeyCache, writer: IntakeWriter, clock: Clock
) -> Any:
    """The SMTP intake (aiosmtpd's threaded controller), when the settings turn it on."""
    import re
    import ssl

    from aiosmtpd.controller import Controller

    from watchkeeper.pipeline.ingest.mail import MailIntake

    pattern = settings.smtp_dedup_subject_pattern
    handler = MailIntake(
        keys=keys,
        writer=writer,
        clock=clock,
        domain=settings.smtp_listen_domain,
        dedup_header=settings.smtp_dedup_header,
        subject_pattern=re.compile(pattern) if pattern else None,
    )
    tls = None
    if settings.smtp_listen_tls_cert and settings.smtp_listen_tls_key:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(settings.smtp_listen_tls_cert, settings.smtp_listen_tls_key)
    return Controller(
        handler,
        hostname=settings.smtp_listen_host,
        port=settings.smtp_listen_port,
        data_size_limit=settings.smtp_listen_max_bytes,
        tls_context=tls,
        ident="Watchkeeper",
    )


def build_app(
    installation: Installation,
    *,
    on_shutdown: Sequence[Callable[[], None]] = (),
    mail: bool = True,
) -> ASGIApp:
    """The web app. It wakes the engine, which runs in its own process (see `serve`);
    `on_shutdown` runs after the app's own shutdown hooks. `mail` runs the SMTP intake
    when the settings turn it on (one process only: it binds a port)."""
    from watchkeeper.catalog.access.service import SessionPolicy
    from watchkeeper.catalog.access.throttle import LoginThrottle
    from watchkeeper.pipeline.ingest.keys import KeyCache
    from watchkeeper.pipeline.ingest.writer import IntakeWriter
    from watchkeeper.pipeline.notify.throttle import CodeThrottle
    from watchkeeper.wakeup import WakeSender
    from watchkeeper.web.app import create_app
    from watchkeeper.web.context import WebContext
    from watchkeeper.web.readiness_metrics import ReadinessMetrics
    from watchkeeper.web.report_metrics import ReportMetrics
    from watchkeeper.web.wire.intake import Intake

    settings = installation.settings
    installation.registry.register(ReportMetrics(installation.database, installation.clock))
    installation.registry.register(ReadinessMetrics(installation.database, installation.clock))
    ctx = WebContext(
        settings=settings,
        database=installation.database,
        clock=installation.clock,
        registry=installation.registry,
        throttle=LoginThrottle(settings.login_rate_limit, settings.rate_limit_storage_uri),
        code_throttle=CodeThrottle(
            settings.contact_code_rate_limit, settings.rate_limit_storage_uri
        ),
        session_policy=SessionPolicy(
            idle=timedelta(hours=settings.session_idle_hours),
            max_age=timedelta(days=settings.session_max_days),
        ),
        secret_key=secret_key(settings),
        sealer=Sealer(secret_key(settings)),
        engine_stale_after=timedelta(seconds=max(15.0, settings.engine_interval * 5)),
    )
    if settings.oidc_enabled:
        _single_sign_on(ctx, settings)
    wake = WakeSender(settings.resolved_database_url)
    ctx.wake_engine = wake
    # Intake has a connection of its own that asks for SQLite's write lock eagerly.
    intake_db = open_database(settings, sqlite_busy_timeout_ms=2)
    writer = IntakeWriter(intake_db, wake=wake)
    ctx.intake = Intake(
        writer=writer,
        keys=KeyCache(installation.database),
        rate=settings.ingest_rate_limit,
        storage_uri=settings.rate_limit_storage_uri,
    )
    ctx.on_startup.append(writer.start)
    if mail and settings.smtp_listen:
        listener = build_mail_listener(settings, ctx.intake.keys, writer, installation.clock)
        ctx.on_startup.append(listener.start)
        ctx.on_shutdown.append(listener.stop)  # before the writer: its last mail is written
    ctx.on_shutdown.append(writer.stop)  # first: what was accepted gets written
    ctx.on_shutdown.append(wake.close)
    ctx.on_shutdown.append(intake_db.dispose)
    ctx.on_shutdown.append(installation.database.dispose)
    ctx.on_shutdown.extend(on_shutdown)
    return create_app(ctx)


def _single_sign_on(ctx: WebContext, settings: Settings) -> None:
    from watchkeeper.catalog.sso.service import SsoRules
    from watchkeeper.catalog.users.roles import Role
    from watchkeeper.web.oidc import OidcClient

    assert settings.oidc_discovery_url
    assert settings.oidc_client_id
    assert settings.oidc_client_secret
    client = OidcClient(
        discovery_url=settings.oidc_discovery_url,
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret.get_secret_value(),
        scopes=settings.oidc_scopes,
        redirect_uri=f"{settings.resolved_base_url}/login/oidc/callback",
        signing_key=ctx.secret_key,
    )
    ctx.oidc = client
    ctx.sso_rules = SsoRules(
        group_roles={group: Role(role) for group, role in settings.oidc_group_roles.items()},
        group_teams=dict(settings.oidc_group_teams),
        create_users=settings.oidc_create_users,
    )
    ctx.on_shutdown.append(client.close)


def app_from_environment() -> ASGIApp:
    """Factory for `uvicorn --factory` and multi-worker serving: settings from the env.

    Workers serve only; `watchkeeper serve` runs the engine beside them.
    """
    settings = Settings()
    configure_logging(settings)
    return build_app(prepare(settings), mail=False)
