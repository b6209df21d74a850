"""The outbound guard at the socket: every connection a channel opens while it sends is
checked where it is made, whatever library or Apprise plugin opens it, and goes to the
address that was checked, so a name cannot resolve to one address when checked and to
another when connected (DNS rebinding)."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest

from tests.unit.channel_support import (
    APPRISE,
    LOOPBACK,
    HttpSink,
    TcpListener,
    sample_message,
)
from watchkeeper.pipeline.notify.channels.apprise_channel import AppriseChannel
from watchkeeper.pipeline.notify.channels.guard import OutboundGuard
from watchkeeper.pipeline.notify.channels.sockets import OutboundRefused, watching
from watchkeeper.pipeline.notify.channels.webhook import WebhookChannel

# -- at the socket ------------------------------------------------------------------------


def test_a_connection_to_a_refused_address_is_stopped_before_it_is_made(
    listener: TcpListener,
) -> None:
    with watching(OutboundGuard()) as watch, pytest.raises(OutboundRefused, match="not allowed"):
        socket.create_connection(("127.0.0.1", listener.port), timeout=2)
    assert watch.refused
    assert listener.connections() == []


@pytest.mark.parametrize("host", ["::127.0.0.1", "::ffff:127.0.0.1"])
def test_an_ipv6_form_of_loopback_is_stopped_at_the_socket(
    listener: TcpListener, host: str
) -> None:
    with watching(OutboundGuard()) as watch, pytest.raises(OutboundRefused):
        socket.create_connection((host, listener.port), timeout=2)
    assert watch.refused
    assert listener.connections() == []


def test_a_datagram_to_a_refused_address_is_not_sent() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as receiver:
        receiver.bind(("127.0.0.1", 0))
        receiver.setblocking(False)
        with (
            socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender,
            watching(OutboundGuard()) as watch,
            pytest.raises(OutboundRefused),
        ):
            sender.sendto(b"<14>forged", receiver.getsockname())
        assert watch.refused
        with pytest.raises(BlockingIOError):
            receiver.recv(100)


def test_an_allowed_network_connects(listener: TcpListener) -> None:
    with watching(OutboundGuard(LOOPBACK)) as watch:
        socket.create_connection(("127.0.0.1", listener.port), timeout=2).close()
    assert not watch.refused
    assert listener.connections() == [b""]


def test_outside_a_send_connections_are_left_alone(listener: TcpListener) -> None:
    with watching(OutboundGuard()):
        pass
    socket.create_connection(("127.0.0.1", listener.port), timeout=2).close()
    assert listener.connections() == [b""]


def test_a_local_socket_file_is_refused_while_sending(tmp_path: Path) -> None:
    path = str(tmp_path / "sock")
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(path)
        server.listen(1)
        with (
            socket.socket(socket.AF_UNIX) as client,
            watching(OutboundGuard(LOOPBACK)) as watch,
            pytest.raises(OutboundRefused),
        ):
            client.connect(path)
        assert watch.refused


# -- DNS rebinding ------------------------------------------------------------------------
# The name `rebind.test` answers 127.0.0.2 first and 127.0.0.1 after. The guard allows
# 127.0.0.2 (it stands for a public address, without sending anything off this machine)
# and refuses 127.0.0.1, where the listener waits.

REBINDING = "rebind.test"
ALLOWED_FIRST = ["127.0.0.2/32"]


@pytest.fixture
def rebinding(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    real = socket.getaddrinfo
    answers: list[str] = []

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != REBINDING:
            return real(host, port, *args, **kwargs)
        address = "127.0.0.2" if not answers else "127.0.0.1"
        answers.append(address)
        return real(address, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


def test_a_socket_given_a_name_connects_to_the_address_that_was_checked(
    rebinding: list[str],
) -> None:
    checked = TcpListener("127.0.0.2")
    rebound = TcpListener("127.0.0.1", port=checked.port)
    try:
        with watching(OutboundGuard(ALLOWED_FIRST)) as watch, socket.socket() as sock:
            sock.settimeout(2)
            sock.connect((REBINDING, checked.port))
        assert not watch.refused
        assert rebinding == ["127.0.0.2"]  # resolved once
        assert checked.connections() == [b""]
        assert rebound.connections() == []
    finally:
        checked.close()
        rebound.close()


def test_a_webhook_to_a_rebinding_name_never_reaches_the_second_address(
    rebinding: list[str], sink: HttpSink
) -> None:
    channel = WebhookChannel(OutboundGuard(ALLOWED_FIRST))
    try:
        delivery = channel.send(f"http://{REBINDING}:{sink.port}/hook", sample_message())
    finally:
        channel.close()
    assert not delivery.ok
    assert sink.received() == []


@APPRISE
def test_an_apprise_post_to_a_rebinding_name_never_reaches_the_second_address(
    rebinding: list[str], sink: HttpSink
) -> None:
    url = f"json://{REBINDING}:{sink.port}/hook"
    delivery = AppriseChannel(OutboundGuard(ALLOWED_FIRST)).send(url, sample_message())
    assert not delivery.ok
    assert sink.received() == []
