"""The real server's access log at DEBUG shows every request, but none of its secrets."""

from __future__ import annotations

import time
from pathlib import Path

import httpx2
import pytest

from tests.e2e.server import start_server

pytestmark = pytest.mark.e2e

KEY = "wk_int_NVdYd9gx6NfROWLroVCIkl1RFOALNn3JB5jv"
FEED = "wk_ics_fVd9f8wpeiZr7vKT9dacOl1Xm1QDu11RsRQE"
ACTION = "eyJhIjoiYWNrbm93bGVkZ2UiLCJpIjo0Mn0.c2lnbmF0dXJlLW9mLXRoZS1saW5r"


def test_the_debug_access_log_redacts_keys_and_tokens_in_paths(tmp_path: Path) -> None:
    server = start_server(tmp_path / "data", env={"WATCHKEEPER_LOG_LEVEL": "DEBUG"})
    try:
        with httpx2.Client(base_url=server.url) as client:
            client.post(f"/api/v1/integrations/{KEY}/alertmanager", json={})
            client.get(f"/api/v1/heartbeats/{KEY}/fail")
            client.get(f"/act/{ACTION}")
            client.get(f"/ical/users/{FEED}.ics")
            client.get("/healthz")
        deadline = time.monotonic() + 10
        while "GET /healthz" not in server.output and time.monotonic() < deadline:
            time.sleep(0.05)  # the reader thread collects the output as it comes
    finally:
        server.stop()
    output = server.output
    assert "POST /api/v1/integrations/<redacted>/alertmanager" in output
    assert "GET /api/v1/heartbeats/<redacted>/fail" in output
    assert "GET /act/<redacted>" in output
    assert "GET /ical/users/<redacted>.ics" in output
    for secret in (KEY, FEED, ACTION):
        assert secret not in output
