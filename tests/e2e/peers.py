"""Real peers for end-to-end tests: Debian's Alertmanager and amtool, an API token, polling.

Alertmanager runs as its own process on free loopback ports with clustering off and its
data in a temporary folder, so tests never touch a system-wide installation.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx2
import pytest

from tests.e2e.server import ServerProcess, free_port
from tests.pg import IN_CI

ALERTMANAGER = os.environ.get("WATCHKEEPER_TEST_ALERTMANAGER", "/usr/bin/prometheus-alertmanager")
AMTOOL = os.environ.get("WATCHKEEPER_TEST_AMTOOL", "/usr/bin/amtool")
READY_TIMEOUT = 30.0
TAIL_LINES = 60

T = TypeVar("T")


def require_alertmanager() -> None:
    """Skip without Debian's Alertmanager and amtool, or fail under CI=true."""
    missing = [path for path in (ALERTMANAGER, AMTOOL) if not Path(path).exists()]
    if missing:
        message = (
            f"no {' or '.join(missing)}; `make test` installs Debian's prometheus-alertmanager "
            "as root"
        )
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


def tail(text: str, lines: int = TAIL_LINES) -> str:
    return "\n".join(text.splitlines()[-lines:])


@dataclass
class AlertmanagerProcess:
    """A running Alertmanager: its URL, its output so far, and the pid to stop it by."""

    url: str
    process: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)
    reader: threading.Thread | None = None

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def stop(self, timeout: float = 15.0) -> int:
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                os.kill(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout)
        if self.reader is not None:
            self.reader.join(timeout)
        if self.process.stdout is not None:
            self.process.stdout.close()
        return self.process.returncode


def alertmanager_config(webhook_url: str, *, group_interval: str = "1s") -> str:
    """One route that sends every alert on its own (`group_by: ['...']`) at once to a
    webhook, resolved ones too."""
    return f"""\
route:
  receiver: watchkeeper
  group_by: ['...']
  group_wait: 0s
  group_interval: {group_interval}
  repeat_interval: 1h
receivers:
  - name: watchkeeper
    webhook_configs:
      - url: '{webhook_url}'
        send_resolved: true
"""


def start_alertmanager(
    workdir: Path, webhook_url: str = "", *, config_text: str | None = None
) -> AlertmanagerProcess:
    """Start Alertmanager with `alertmanager_config(webhook_url)` (or `config_text`, for
    another receiver); return once it is ready."""
    workdir.mkdir(parents=True, exist_ok=True)
    config = workdir / "alertmanager.yml"
    config.write_text(config_text or alertmanager_config(webhook_url))
    port = free_port()
    process = subprocess.Popen(
        [
            ALERTMANAGER,
            f"--config.file={config}",
            f"--storage.path={workdir / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=",
            "--log.level=debug",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    peer = AlertmanagerProcess(url=f"http://127.0.0.1:{port}", process=process)
    peer.reader = threading.Thread(target=_collect, args=(peer,), daemon=True)
    peer.reader.start()
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            peer.stop()
            raise AssertionError(f"Alertmanager exited with {process.returncode}:\n{peer.output}")
        try:
            if httpx2.get(f"{peer.url}/-/ready", timeout=1.0).status_code == 200:
                return peer
        except httpx2.TransportError:
            pass
        time.sleep(0.05)
    peer.stop()
    raise AssertionError(f"Alertmanager not ready after {READY_TIMEOUT} s:\n{peer.output}")


def _collect(peer: AlertmanagerProcess) -> None:
    assert peer.process.stdout is not None
    for line in peer.process.stdout:
        peer.lines.append(line.rstrip("\n"))


def amtool(peer: AlertmanagerProcess, *args: str) -> str:
    """Run `amtool` against `peer`; return its output, or fail with it."""
    result = subprocess.run(
        [AMTOOL, f"--alertmanager.url={peer.url}", "--timeout=15s", *args],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    if result.returncode != 0:
        raise AssertionError(
            f"amtool {' '.join(args)} exited with {result.returncode}:\n"
            f"{result.stdout}{result.stderr}\nAlertmanager:\n{tail(peer.output)}"
        )
    return result.stdout


def admin_token(data_dir: Path, env: dict[str, str] | None = None) -> str:
    """An API token of the first admin, made by `watchkeeper token create` on the same data."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "watchkeeper",
            "token",
            "create",
            "--user",
            "admin",
            "--name",
            "peer",
        ],
        env={**os.environ, "WATCHKEEPER_DATA_DIR": str(data_dir), **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, f"token create failed:\n{result.stdout}{result.stderr}"
    return result.stdout.strip().splitlines()[-1]


@contextmanager
def api_client(server: ServerProcess, token: str) -> Iterator[httpx2.Client]:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx2.Client(base_url=server.url, headers=headers, timeout=10.0) as client:
        yield client


def create_integration(api: httpx2.Client, *, service: str, type_: str) -> dict[str, Any]:
    """A new service with one integration of `type_`; returns the integration (with url, key)."""
    response = api.post("/api/v1/services", json={"name": service})
    assert response.status_code == 201, response.text
    service_id = response.json()["id"]
    response = api.post(
        f"/api/v1/services/{service_id}/integrations",
        json={"type": type_, "name": f"{type_} for {service}"},
    )
    assert response.status_code == 201, response.text
    integration: dict[str, Any] = response.json()
    return integration


def wait_for(
    probe: Callable[[], T | None],
    *,
    what: str,
    timeout: float = 60.0,
    context: Callable[[], str] = lambda: "",
) -> T:
    """Call `probe` until it returns something other than None; fail after `timeout` s,
    saying what was awaited and adding `context()` (say, the processes' output)."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value is not None:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not seen within {timeout:.0f} s\n{context()}")
        time.sleep(0.1)
