"""Shared pieces of the channel tests: a sample message and a local HTTP server that
records what it receives."""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from watchkeeper.pipeline.notify.channels.base import Outgoing
from watchkeeper.pipeline.notify.render import IncidentCard

LOOPBACK = ["127.0.0.1/32"]
# Apprise's plugins import the deprecated `imghdr` (for PGPy) when first loaded; with
# warnings as errors that import would fail whichever Apprise test comes first.
APPRISE = pytest.mark.filterwarnings("ignore:'imghdr' is deprecated:DeprecationWarning")
NOW = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def sample_message(**payload: Any) -> Outgoing:
    return Outgoing(
        message_id="wk_msg_42",
        subject="[Watchkeeper] #7 P1 triggered: Checkout down (Checkout)",
        text="#7 P1 triggered: Checkout down\nAcknowledge: https://wk.example/act/abc",
        html='<p>#7 P1 triggered: Checkout down <a href="https://wk.example/act/abc">Ack</a></p>',
        payload=payload or {"type": "page", "incidents": [{"id": 7, "title": "Checkout down"}]},
    )


# -- a local HTTP server ------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class HttpSink:
    """Answers `/status/<code>` with that code (3xx point at `/target`), holds `/slow`
    until released, and answers anything else with 200; keeps every request."""

    port: int = 0
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    release: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def record(self, received: Received) -> None:
        with self.lock:
            self.requests.append(received)

    def received(self, path: str | None = None) -> list[Received]:
        with self.lock:
            return [r for r in self.requests if path is None or r.path == path]


def handler_for(sink: HttpSink) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {name.lower(): value for name, value in self.headers.items()}
            sink.record(Received(self.command, self.path, headers, body))
            status = 200
            if self.path.startswith("/status/"):
                status = int(self.path.removeprefix("/status/"))
            elif self.path == "/slow":
                sink.release.wait(10)
            self.send_response(status)
            if 300 <= status < 400:
                self.send_header("Location", sink.url("/target"))
            if status not in (204, 304):
                self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_POST = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


class QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up (the timeout test) is not an error of the test


def card(id_: int, *, priority: str = "P2", title: str | None = None) -> IncidentCard:
    return IncidentCard(
        id=id_,
        title=title or f"Incident {id_}",
        priority=priority,
        status="triggered",
        service="Checkout",
        summary=f"summary of {id_}",
        url=f"https://wk.example/incidents/{id_}",
        acknowledge_url=f"https://wk.example/act/ack-{id_}",
        resolve_url=f"https://wk.example/act/res-{id_}",
    )


# -- a raw TCP listener -------------------------------------------------------------------


class TcpListener:
    """A listening socket that never accepts on its own: whatever connected to it waits in
    its backlog, so `connections()` sees every connection made before it is called, with
    no thread and no waiting."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._socket = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        self._socket.bind((host, port))
        self._socket.listen(16)
        self._socket.setblocking(False)
        self.host = host
        self.port = int(self._socket.getsockname()[1])
        self._received: list[bytes] = []

    def connections(self) -> list[bytes]:
        """What each connection so far sent before it was taken from the backlog."""
        while True:
            try:
                conn, _ = self._socket.accept()
            except BlockingIOError:
                return list(self._received)
            with conn:
                conn.settimeout(0.5)
                data = b""
                try:
                    while chunk := conn.recv(65536):
                        data += chunk
                except TimeoutError:
                    pass
                self._received.append(data)

    def close(self) -> None:
        self._socket.close()
