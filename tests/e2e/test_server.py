"""The real server process: first start, login over HTTP, restart keeping data, split roles."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2
import pytest

from tests.e2e.server import ServerProcess, start_server, wait_until_ready
from tests.pg import fresh_schema, schema_name

pytestmark = pytest.mark.e2e


@contextmanager
def _login(url: str, login: str, password: str) -> Iterator[httpx2.Client]:
    """A real HTTP client logged in through the login form."""
    with httpx2.Client(base_url=url, follow_redirects=False) as client:
        client.get("/login")
        response = client.post(
            "/login",
            data={"login": login, "password": password, "csrf_token": client.cookies["wk_csrf"]},
        )
        assert response.status_code == 303, response.text
        yield client


def test_first_start_prints_where_the_data_is_and_a_working_admin_password(
    server: ServerProcess, tmp_path: Path
) -> None:
    assert f"database: {tmp_path / 'data' / 'watchkeeper.db'}" in server.output
    assert f"kill {server.process.pid}" in server.output
    password = server.admin_password
    assert password
    with _login(server.url, "admin", password) as client:
        assert client.get("/").headers["location"] == "/account/password"
        assert client.get("/api/v1/me").json()["must_change_password"] is True


def test_a_restart_keeps_the_data_and_creates_no_second_admin(tmp_path: Path) -> None:
    first = start_server(tmp_path / "data")
    password = first.admin_password
    assert password
    first.stop()
    assert first.stopped_cleanly, first.output
    second = start_server(tmp_path / "data")
    try:
        assert second.admin_password is None
        assert "first admin" not in second.output
        with _login(second.url, "admin", password) as client:
            assert client.get("/api/v1/me").status_code == 200
    finally:
        second.stop()


def test_sigterm_stops_the_server_cleanly(server: ServerProcess) -> None:
    server.stop(signal.SIGTERM)
    assert server.stopped_cleanly, server.output
    assert "engine stopped" in server.output


def test_metrics_include_the_engine_child_process(server: ServerProcess) -> None:
    # The engine writes its metrics every 2 s; its first file may predate its first beat.
    deadline = time.monotonic() + 30
    text, beat = "", 0.0
    while time.monotonic() < deadline:
        text = httpx2.get(f"{server.url}/metrics", timeout=5).text
        found = re.search(r"^watchkeeper_engine_heartbeat_timestamp_seconds (\S+)$", text, re.M)
        beat = float(found.group(1)) if found else 0.0
        if 'watchkeeper_engine_run_seconds_count{module="correlate"}' in text and beat:
            break
        time.sleep(0.2)
    assert 'watchkeeper_engine_run_seconds_count{module="correlate"}' in text
    assert abs(beat - time.time()) < 60, text  # a live engine's heartbeat
    assert "watchkeeper_http_requests_total" in text  # and the web process's own


def test_serve_without_engine_is_ready_only_once_an_engine_runs(tmp_path: Path) -> None:
    web = start_server(tmp_path / "data", "--no-engine", wait_ready=False)
    engine: subprocess.Popen[str] | None = None
    try:
        with pytest.raises(AssertionError, match="not ready"):
            wait_until_ready(web, timeout=4)
        web = start_server(tmp_path / "data", "--no-engine", wait_ready=False)
        engine = subprocess.Popen(
            [sys.executable, "-m", "watchkeeper", "engine"],
            env={**os.environ, "WATCHKEEPER_DATA_DIR": str(tmp_path / "data")},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        wait_until_ready(web)
        assert "engine:   off" in web.output
    finally:
        web.stop()
        if engine is not None:
            engine.terminate()
            assert engine.wait(15) == 0


def test_the_server_runs_on_postgresql(tmp_path: Path, request: pytest.FixtureRequest) -> None:
    with fresh_schema(schema_name(request, "e2e")) as url:
        server = start_server(tmp_path / "data", env={"WATCHKEEPER_DATABASE_URL": url})
        try:
            assert "database: postgresql+psycopg://postgres@127.0.0.1" in server.output
            password = server.admin_password
            assert password
            with _login(server.url, "admin", password) as client:
                assert client.get("/api/v1/me").json()["login"] == "admin"
        finally:
            server.stop()
