"""The real server trusts `X-Forwarded-For` only from the proxies it is told about."""

from __future__ import annotations

from pathlib import Path

import httpx2
import pytest

from tests.e2e.server import start_server

pytestmark = pytest.mark.e2e

# 2 failures per account, so 10 per client address.
RATE = {"WATCHKEEPER_LOGIN_RATE_LIMIT": "2 per 15 minutes"}


def _fail_login(client: httpx2.Client, login: str, forwarded_for: str) -> int:
    form = {"login": login, "password": "wrong", "csrf_token": client.cookies["wk_csrf"]}
    headers = {"X-Forwarded-For": forwarded_for}
    return client.post("/login", data=form, headers=headers).status_code


def test_a_forged_forwarded_for_does_not_reset_the_address_limit(tmp_path: Path) -> None:
    server = start_server(tmp_path / "data", env=RATE)
    try:
        with httpx2.Client(base_url=server.url) as client:
            client.get("/login")
            statuses = [
                _fail_login(client, f"user{number}", f"203.0.113.{number}") for number in range(11)
            ]
    finally:
        server.stop()
    assert statuses == [401] * 10 + [429]


def test_a_configured_proxy_passes_on_the_client_address(tmp_path: Path) -> None:
    env = {**RATE, "WATCHKEEPER_FORWARDED_ALLOW_IPS": "127.0.0.1"}
    server = start_server(tmp_path / "data", env=env)
    try:
        with httpx2.Client(base_url=server.url) as client:
            client.get("/login")
            first = [_fail_login(client, f"user{number}", "203.0.113.1") for number in range(11)]
            other = _fail_login(client, "someone", "203.0.113.2")
    finally:
        server.stop()
    assert first == [401] * 10 + [429]
    assert other == 401
