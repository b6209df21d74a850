"""The logging setup of the server processes, in a process of its own (it is global)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent(
    """
    import logging
    from watchkeeper.settings import Settings
    from watchkeeper.wiring import configure_logging

    configure_logging(Settings(_env_file=None, log_level="DEBUG"))
    logging.getLogger("httpx2").info("HTTP Request: POST https://hooks.example/T0/B0/s3cr3t")
    logging.getLogger("apprise").debug("Slack POST URL: https://hooks.example/T0/B0/s3cr3t")
    logging.getLogger("uvicorn.access").info(
        '%s - "%s %s HTTP/%s" %d', "127.0.0.1:1", "GET", "/act/abc.s3cr3t", "1.1", 200
    )
    logging.getLogger("watchkeeper").debug("still here")
    """
)


@pytest.fixture(scope="module")
def logged() -> str:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60, check=True
    )
    return done.stderr


def test_outbound_urls_are_not_logged_even_at_debug(logged: str) -> None:
    assert "s3cr3t" not in logged


def test_the_access_log_at_debug_still_shows_the_request(logged: str) -> None:
    assert '"GET /act/<redacted> HTTP/1.1" 200' in logged
    assert "still here" in logged
