"""`watchkeeper serve` and `watchkeeper engine`: run the server and the worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from typing import TYPE_CHECKING, Annotated, Any

import typer

from watchkeeper.cli.common import friendly, load_settings

if TYPE_CHECKING:
    from watchkeeper.settings import Settings
    from watchkeeper.wiring import Installation


def _banner(installation: Installation, *, engine: bool) -> None:
    settings = installation.settings
    lines = [
        "",
        f"Watchkeeper is starting on {settings.resolved_base_url}",
        f"  database: {installation.database_location}",
        f"  engine:   {'in a child process' if engine else 'off (run `watchkeeper engine`)'}",
    ]
    if installation.first_admin_password:
        lines += [
            "  first admin account created:",
            "    login:    admin",
            f"    password: {installation.first_admin_password}",
            "    (one-time: you choose your own at first login; it is not shown again)",
        ]
    from watchkeeper.web.ui.assets import assets_warning

    if warning := assets_warning():
        lines += [f"  WARNING: {warning}"]
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
    # The engine child (its links use the base URL: host and port) and any workers read
    # their settings from the environment, so pass the flags on.
    for name, value in overrides.items():
        os.environ[f"WATCHKEEPER_{name.upper()}"] = str(value)
    child = EngineChild() if settings.run_engine else None
    try:
        if workers == 1:
            # uvicorn ends the process by re-raising the signal after the app's shutdown,
            # so the engine is stopped from there (the `finally` below may not run).
            app = build_app(installation, on_shutdown=[child.stop] if child else [])
            uvicorn.run(app, **_server_options(settings), lifespan="on")
            return
        installation.database.dispose()
        uvicorn.run(
            "watchkeeper.wiring:app_from_environment",
            factory=True,
            workers=workers,
            **_server_options(settings),
        )
    finally:
        if child is not None:
            child.stop()


def _server_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options from our settings. Proxy headers are believed only from the
    proxies configured; uvicorn alone would believe any client on loopback."""
    proxies = settings.forwarded_allow
    return {
        "host": settings.host,
        "port": settings.port,
        "log_config": None,
        "proxy_headers": bool(proxies),
        "forwarded_allow_ips": proxies,
    }


@friendly
def engine(
    parent: Annotated[
        int | None, typer.Option(hidden=True, help="Stop when this process is gone")
    ] = None,
) -> None:
    """Run only the engine (timers, escalations, notifications); pairs with serve --no-engine."""
    from watchkeeper.wakeup import WakeListener
    from watchkeeper.wiring import (
        attach,
        build_runner,
        configure_logging,
        open_engine_database,
        prepare,
    )

    settings = load_settings()
    configure_logging(settings)
    password = None
    if parent is None:
        prepared = prepare(settings)
        password = prepared.first_admin_password
        prepared.database.dispose()
    # else `serve`, its parent, has migrated the database before starting it.
    installation = attach(settings, open_engine_database(settings))
    installation.first_admin_password = password
    runner = build_runner(installation)
    stopping: list[int] = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        # A plain append takes no lock: a signal arriving while the handler runs (the
        # parent-death signal can come more than once) cannot deadlock it.
        signal.signal(signum, lambda number, _: stopping.append(number))
    runner.start()
    try:
        listener: WakeListener | None = WakeListener(settings.resolved_database_url, runner.wake)
    except OSError:
        listener = None  # another engine of this installation listens on this host
    typer.echo(f"engine running on {installation.database_location}; stop with Ctrl+C")
    if installation.first_admin_password:
        typer.echo(
            f"first admin account created: login admin, one-time password "
            f"{installation.first_admin_password}"
        )
    # End on a signal, or when the process that started it is gone (even after kill -9).
    # Meanwhile leave the metrics where the web server on this host serves them.
    last_written = 0.0
    while not stopping and (parent is None or os.getppid() == parent):
        if time.monotonic() - last_written >= METRICS_EVERY:
            _write_metrics(installation)
            last_written = time.monotonic()
        time.sleep(0.2)
    if listener is not None:
        listener.close()
    runner.stop()
    installation.database.dispose()


METRICS_EVERY = 2.0


def _write_metrics(installation: Installation) -> None:
    """Replace the metrics file in one step, so a reader never sees half of it."""
    from prometheus_client import generate_latest

    path = installation.settings.engine_metrics_path
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        partial.write_bytes(generate_latest(installation.registry))
        partial.replace(path)
    except OSError:
        pass  # a full or read-only disk must not stop the engine; /metrics goes without


class EngineChild:
    """`serve`'s engine: a child process, so that its work never holds up requests (one
    Python process runs one thread at a time). Restarted if it dies; dies with `serve`."""

    def __init__(self) -> None:
        self._stopping = threading.Event()
        self._process = self._spawn()
        threading.Thread(target=self._supervise, name="engine-supervisor", daemon=True).start()

    def _spawn(self) -> subprocess.Popen[bytes]:
        command = [sys.executable, "-m", "watchkeeper", "engine", "--parent", str(os.getpid())]
        return subprocess.Popen(command, preexec_fn=_die_with_parent)

    def _supervise(self) -> None:
        while not self._stopping.is_set():
            code = self._process.wait()
            if self._stopping.is_set():
                return
            typer.echo(f"the engine process ended ({code}); starting it again", err=True)
            if self._stopping.wait(1.0):
                return
            self._process = self._spawn()

    def stop(self, timeout: float = 15.0) -> None:
        self._stopping.set()
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout)
            except subprocess.TimeoutExpired:
                self._process.kill()


def _die_with_parent() -> None:
    """In the child before exec: ask Linux to send SIGTERM when the parent dies."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass  # not Linux: the engine's own parent check ends it within a second
