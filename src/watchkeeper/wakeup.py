"""Waking the engine from another process on the same host: one datagram per commit.

The web process commits events and sends a datagram to a Linux abstract Unix socket
named after the database; the engine process listens there and runs at once. Nothing
depends on it: a lost wake-up only means the engine's next poll (a second) picks the
work up. Several web workers can wake one engine.
"""

from __future__ import annotations

import contextlib
import hashlib
import socket
import threading
from collections.abc import Callable


def address(database_url: str) -> str:
    """An abstract socket name (no file, no path length limit) for one installation."""
    digest = hashlib.sha256(database_url.encode()).hexdigest()[:24]
    return f"\0watchkeeper-engine-{digest}"


class WakeSender:
    def __init__(self, database_url: str) -> None:
        self._address = address(database_url)
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._socket.setblocking(False)

    def __call__(self) -> None:
        # No engine listening, or its queue full: fine, the engine's next poll will do.
        with contextlib.suppress(OSError):
            self._socket.sendto(b"w", self._address)

    def close(self) -> None:
        self._socket.close()


class WakeListener:
    """Calls `on_wake` for every datagram, from a daemon thread."""

    def __init__(self, database_url: str, on_wake: Callable[[], None]) -> None:
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self._socket.bind(address(database_url))
        self._on_wake = on_wake
        self._thread = threading.Thread(target=self._listen, name="watchkeeper-wake", daemon=True)
        self._thread.start()

    def _listen(self) -> None:
        while True:
            try:
                self._socket.recv(64)
            except OSError:
                return  # closed
            self._on_wake()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._socket.shutdown(socket.SHUT_RDWR)
        self._socket.close()
