"""Fixtures of the unit tests that need a local server."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from tests.unit.channel_support import HttpSink, QuietServer, TcpListener, handler_for


@pytest.fixture
def sink() -> Iterator[HttpSink]:
    recorder = HttpSink()
    server = QuietServer(("127.0.0.1", 0), handler_for(recorder))
    recorder.port = int(server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield recorder
    finally:
        recorder.release.set()
        server.shutdown()
        server.server_close()
        thread.join(10)


@pytest.fixture
def listener() -> Iterator[TcpListener]:
    """A TCP port on loopback that records who connected and what they sent."""
    opened = TcpListener()
    try:
        yield opened
    finally:
        opened.close()
