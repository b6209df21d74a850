"""`watchkeeper serve` and `watchkeeper engine`: run the server and the worker."""

from __future__ import annotations

import os
import signal
import threading
from typing import TYPE_CHECKING, Annotated

import typer

from watchkeeper.cli.common import friendly, load_settings

if TYPE_CHECKING:
    from watchkeeper.wiring import Installation


def _banner(installation: Installation, *, engine: bool) -> None:
    settings = installation.settings
    lines = [
        "",
        f"Watchkeeper is starting on {settings.resolved_base_url}",
        f"  database: {installation.database_location}",
        f"  engine:   {'in this process' if engine else 'off (run `watchkeeper engine`)'}",
    ]
    if installation.first_admin_password:
        lines += [
            "  first admin account created:",
            "    login:    admin",
            f"    password: {installation.first_admin_password}",
            "    (one-time: you choose your own at first login; it is not shown again)",
        ]
    lines += [f"  stop it with Ctrl+C, or: kill {os.getpid()}", ""]
    # Plain echo, not rich: scripts and tests read these lines.
    typer.echo("\n".join(lines))


@friendly
def serve(
    host: Annotated[str | None, typer.Option(help="Listen address (WATCHKEEPER_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="Listen port (WATCHKEEPER_PORT)")] = None,
    no_engine: Annotated[
        bool, typer.Option("--no-engine", help="Serve only; run the engine elsewhere")
    ] = False,
    workers: Annotated[int, typer.Option(help="Web worker processes", min=1)] = 1,
    demo: Annotated[
        bool, typer.Option("--demo", help="Load demo data into an empty install")
    ] = False,
) -> None:
    """Migrate the database, create the first admin if needed, and serve UI, API and engine."""
    import uvicorn

    from watchkeeper.cli.demo import load_demo
    from watchkeeper.wiring import build_app, configure_logging, prepare

    overrides: dict[str, object] = {}
    if host is not None:
        overrides["host"] = host
    if port is not None:
        overrides["port"] = port
    if no_engine:
        overrides["run_engine"] = False
    settings = load_settings().model_copy(update=overrides)
    configure_logging(settings)
    installation = prepare(settings)
    if demo:
        load_demo(installation)
    _banner(installation, engine=settings.run_engine)
    if workers == 1:
        app = build_app(installation)
        uvicorn.run(app, host=settings.host, port=settings.port, log_config=None, lifespan="on")
        return
    # Several workers each build the app from the environment, so pass the flags on.
    for name, value in overrides.items():
        os.environ[f"WATCHKEEPER_{name.upper()}"] = str(value)
    installation.database.dispose()
    uvicorn.run(
        "watchkeeper.wiring:app_from_environment",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=workers,
        log_config=None,
    )


@friendly
def engine() -> None:
    """Run only the engine (timers, escalations, notifications); pairs with serve --no-engine."""
    from watchkeeper.wiring import build_runner, configure_logging, prepare

    settings = load_settings()
    configure_logging(settings)
    installation = prepare(settings)
    runner = build_runner(installation)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    runner.start()
    typer.echo(f"engine running on {installation.database_location}; stop with Ctrl+C")
    if installation.first_admin_password:
        typer.echo(
            f"first admin account created: login admin, one-time password "
            f"{installation.first_admin_password}"
        )
    stop.wait()
    runner.stop()
    installation.database.dispose()
