"""The CLI as a separate process against the real server, over HTTP: a module-scoped
server with an admin token, and helpers that run `watchkeeper ...` and read its answer."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx2
import pytest

from tests.e2e.server import ServerProcess, start_server


@dataclass
class Remote:
    """The running server, an admin token for it, and a clean environment for the CLI.

    `prefix` goes before every command's arguments (e.g. `incident`)."""

    server: ServerProcess
    token: str
    home: Path
    prefix: tuple[str, ...] = ()

    def env(self, **extra: str) -> dict[str, str]:
        """No WATCHKEEPER_* from outside, and a home without a client config file."""
        clean = {k: v for k, v in os.environ.items() if not k.startswith("WATCHKEEPER_")}
        return {**clean, "HOME": str(self.home), "COLUMNS": "200", **extra}

    def post(self, path: str, body: dict[str, Any]) -> Any:
        """Create something over the API (201) and return what it answered."""
        headers = {"Authorization": f"Bearer {self.token}"}
        response = httpx2.post(f"{self.server.url}{path}", json=body, headers=headers)
        assert response.status_code == 201, response.text
        return response.json()

    def run(
        self, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        if env is None:
            env = self.env(WATCHKEEPER_URL=self.server.url, WATCHKEEPER_TOKEN=self.token)
        command = [sys.executable, "-m", "watchkeeper", *self.prefix, *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)

    def ok(self, *args: str, env: dict[str, str] | None = None) -> str:
        result = self.run(*args, env=env)
        assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
        return result.stdout

    def error(self, *args: str, env: dict[str, str] | None = None) -> str:
        """The one `error:` line of a command that must fail with status 1."""
        result = self.run(*args, env=env)
        assert result.returncode == 1, f"{args}: {result.stdout}\n{result.stderr}"
        lines = result.stderr.splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("error: ")
        return lines[0]


def _admin_token(data_dir: Path) -> str:
    env = {**os.environ, "WATCHKEEPER_DATA_DIR": str(data_dir), "WATCHKEEPER_LOG_LEVEL": "WARNING"}
    command = [sys.executable, "-m", "watchkeeper", "token", "create", "--user", "admin"]
    created = subprocess.run(
        [*command, "--name", "cli"], env=env, capture_output=True, text=True, check=True
    )
    return created.stdout.strip()


@contextmanager
def remote_server(
    tmp_path_factory: pytest.TempPathFactory,
    *,
    prefix: tuple[str, ...] = (),
    env: dict[str, str] | None = None,
) -> Iterator[Remote]:
    """Start the real server on a fresh data dir; stop it when done."""
    data_dir = tmp_path_factory.mktemp("server") / "data"
    server = start_server(data_dir, env={"WATCHKEEPER_LOG_LEVEL": "WARNING", **(env or {})})
    try:
        token = _admin_token(data_dir)
        yield Remote(server, token, tmp_path_factory.mktemp("home"), prefix)
    finally:
        server.stop()
