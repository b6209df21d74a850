"""The outbound guard at the socket: while a channel sends, every connection (and datagram)
made in its context is checked where it is made, whichever library or Apprise plugin
makes it.

A destination given by name is resolved once here, each address checked, and the socket
connected to the checked address, so the name cannot answer differently between check and
connect (DNS rebinding). Libraries that resolve first (urllib3, httpcore, smtplib) hand a
literal address, which is checked as it is. Outside a send, sockets are left alone: the
patch only reads a context variable. Apprise runs its workers in a copy of the caller's
context, so they are watched too; plugins that start threads of their own are not on the
reviewed list (`addresses`).
"""

from __future__ import annotations

import errno
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from watchkeeper.pipeline.notify.channels.guard import HINT, OutboundGuard

_INTERNET = (socket.AF_INET, socket.AF_INET6)


class OutboundRefused(ConnectionRefusedError):
    """A connection the guard stopped before it was made."""


@dataclass
class Watch:
    """One send's guard, and whether it stopped anything."""

    guard: OutboundGuard
    refused: bool = False


_watch: ContextVar[Watch | None] = ContextVar("watchkeeper_outbound_watch", default=None)
_install_lock = threading.Lock()


@contextmanager
def watching(guard: OutboundGuard) -> Iterator[Watch]:
    """Check every connection made in this context until the block ends."""
    install()
    watch = Watch(guard)
    token = _watch.set(watch)
    try:
        yield watch
    finally:
        _watch.reset(token)


def install() -> None:
    """Put the check in front of `socket.socket`'s connect and sendto (once per process)."""
    with _install_lock:
        if getattr(socket.socket.connect, "watchkeeper_guarded", False):
            return
        _wrap("connect", _connect)
        _wrap("connect_ex", _connect_ex)
        _wrap("sendto", _sendto)


def _wrap(name: str, make: Callable[[Any], Callable[..., Any]]) -> None:
    guarded = make(getattr(socket.socket, name))
    setattr(guarded, "watchkeeper_guarded", True)  # noqa: B010 (a function attribute)
    setattr(socket.socket, name, guarded)


def _connect(original: Callable[..., Any]) -> Callable[..., Any]:
    def connect(self: socket.socket, address: Any) -> Any:
        return original(self, _checked(self, address))

    return connect


def _connect_ex(original: Callable[..., Any]) -> Callable[..., Any]:
    def connect_ex(self: socket.socket, address: Any) -> Any:
        try:
            checked = _checked(self, address)
        except OutboundRefused:
            return errno.ECONNREFUSED
        return original(self, checked)

    return connect_ex


def _sendto(original: Callable[..., Any]) -> Callable[..., Any]:
    def sendto(self: socket.socket, data: Any, *rest: Any) -> Any:
        *flags, address = rest
        return original(self, data, *flags, _checked(self, address))

    return sendto


def _checked(sock: socket.socket, address: Any) -> Any:
    """The address to use: as given outside a send; during one, the checked literal."""
    watch = _watch.get()
    if watch is None:
        return address
    if sock.family not in _INTERNET:
        _refuse(watch)
    host, port, *rest = address
    # Resolve exactly once, for this socket's family and type; a literal needs no DNS.
    infos = socket.getaddrinfo(host, port, sock.family, sock.type)
    literals = [str(info[4][0]) for info in infos]
    if not literals or not all(watch.guard.allows(literal) for literal in literals):
        _refuse(watch)
    return (literals[0], port, *rest)


def _refuse(watch: Watch) -> None:
    watch.refused = True
    raise OutboundRefused(f"not allowed: {HINT}")
