"""The outbound guard and signed webhooks against a real local HTTP server."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx2
import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from tests.unit.channel_support import (
    LOOPBACK,
    HttpSink,
    free_port,
    sample_message,
)
from watchkeeper.pipeline.notify.channels.guard import OutboundGuard, Refused
from watchkeeper.pipeline.notify.channels.webhook import WebhookChannel, new_secret

# -- the outbound guard -------------------------------------------------------------------


REFUSED_HOSTS = [
    ("127.0.0.1", "127.0.0.1/32"),
    ("::1", "::1/128"),
    ("10.1.2.3", "10.0.0.0/8"),
    ("192.168.1.1", "192.168.0.0/16"),
    ("172.16.0.1", "172.16.0.0/12"),
    ("169.254.169.254", "169.254.169.254/32"),  # cloud metadata
    ("fd00:ec2::254", "fd00:ec2::/32"),  # cloud metadata (IPv6)
    ("100.64.0.1", "100.64.0.0/10"),  # carrier-grade NAT
    ("0.0.0.0", "0.0.0.0/32"),
    ("::ffff:127.0.0.1", "::ffff:0:0/96"),  # IPv4-mapped loopback
    ("2130706433", "127.0.0.1/32"),  # 127.0.0.1 as one decimal number
    ("0x7f000001", "127.0.0.1/32"),
    ("127.1", "127.0.0.1/32"),
]


@pytest.mark.parametrize(("host", "network"), REFUSED_HOSTS)
def test_the_guard_refuses_local_private_and_metadata_addresses_unless_allowed(
    host: str, network: str
) -> None:
    with pytest.raises(Refused, match="WATCHKEEPER_OUTBOUND_ALLOW_CIDRS"):
        OutboundGuard().check_host(host)
    OutboundGuard([network]).check_host(host)


def test_the_guard_refuses_localhost_by_every_address_it_resolves_to() -> None:
    with pytest.raises(Refused, match="localhost resolves to"):
        OutboundGuard().check_url("http://localhost:8080/hook")
    OutboundGuard(["127.0.0.0/8", "::1/128"]).check_url("http://localhost:8080/hook")


def test_an_allow_list_for_another_network_does_not_open_loopback() -> None:
    with pytest.raises(Refused):
        OutboundGuard(["10.0.0.0/8"]).check_url("http://127.0.0.1/hook")


def test_a_name_that_does_not_resolve_is_refused() -> None:
    with pytest.raises(Refused, match="cannot resolve"):
        OutboundGuard().check_url("https://watchkeeper-nowhere.invalid/hook")


def test_a_url_without_a_host_is_refused() -> None:
    with pytest.raises(Refused, match="no host"):
        OutboundGuard().check_url("https:///hook")


@pytest.mark.parametrize(
    "url",
    [
        "https://93.184.216.34/hook",
        "http://93.184.216.34:8080/x?y=1",
        "https://[2606:4700:4700::1111]/hook",
    ],
)
def test_public_addresses_pass(url: str) -> None:
    OutboundGuard().check_url(url)  # literals: getaddrinfo needs no DNS


def test_urls_are_checked_by_their_host_only() -> None:
    with pytest.raises(Refused):
        OutboundGuard().check_url("https://user:pass@127.0.0.1:443/93.184.216.34")
    OutboundGuard().check_url("https://user:pass@93.184.216.34/127.0.0.1")


# -- webhooks -----------------------------------------------------------------------------


@pytest.fixture
def webhook() -> Iterator[WebhookChannel]:
    channel = WebhookChannel(OutboundGuard(LOOPBACK), timeout=httpx2.Timeout(0.5))
    try:
        yield channel
    finally:
        channel.close()


@pytest.mark.parametrize("status", [200, 202, 204])
def test_a_2xx_answer_is_a_delivery(webhook: WebhookChannel, sink: HttpSink, status: int) -> None:
    delivery = webhook.send(sink.url(f"/status/{status}"), sample_message(), secret=new_secret())
    assert delivery.ok
    assert delivery.detail == f"HTTP {status}"
    [received] = sink.received()
    assert received.method == "POST"
    assert received.headers["content-type"] == "application/json"
    assert json.loads(received.body) == sample_message().payload


def test_a_webhook_is_signed_so_the_standard_webhooks_library_verifies_it(
    webhook: WebhookChannel, sink: HttpSink
) -> None:
    secret = new_secret()
    assert secret.startswith("whsec_")
    before = int(time.time())
    assert webhook.send(sink.url("/hook"), sample_message(), secret=secret).ok
    [received] = sink.received("/hook")
    assert received.headers["webhook-id"] == "wk_msg_42"
    assert before <= int(received.headers["webhook-timestamp"]) <= time.time() + 1
    assert received.headers["webhook-signature"].startswith("v1,")
    verified = Webhook(secret).verify(received.body, received.headers)
    assert verified == sample_message().payload


def test_a_tampered_body_or_another_secret_does_not_verify(
    webhook: WebhookChannel, sink: HttpSink
) -> None:
    secret = new_secret()
    assert webhook.send(sink.url("/hook"), sample_message(), secret=secret).ok
    [received] = sink.received("/hook")
    tampered = received.body.replace(b"Checkout down", b"Checkout fine")
    assert tampered != received.body
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(tampered, received.headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(received.body, received.headers)
    other_id = {**received.headers, "webhook-id": "wk_msg_43"}
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(received.body, other_id)


def test_without_a_secret_a_webhook_is_sent_unsigned(
    webhook: WebhookChannel, sink: HttpSink
) -> None:
    assert webhook.send(sink.url("/hook"), sample_message()).ok
    [received] = sink.received("/hook")
    assert "webhook-signature" not in received.headers
    assert received.headers["webhook-id"] == "wk_msg_42"


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_server_errors_and_rate_limits_are_retryable(
    webhook: WebhookChannel, sink: HttpSink, status: int
) -> None:
    delivery = webhook.send(sink.url(f"/status/{status}"), sample_message())
    assert (delivery.ok, delivery.retryable, delivery.detail) == (False, True, f"HTTP {status}")


@pytest.mark.parametrize("status", [400, 401, 404, 410])
def test_other_client_errors_are_permanent(
    webhook: WebhookChannel, sink: HttpSink, status: int
) -> None:
    delivery = webhook.send(sink.url(f"/status/{status}"), sample_message())
    assert (delivery.ok, delivery.retryable, delivery.detail) == (False, False, f"HTTP {status}")


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_redirects_are_not_followed(webhook: WebhookChannel, sink: HttpSink, status: int) -> None:
    delivery = webhook.send(sink.url(f"/status/{status}"), sample_message())
    assert not delivery.ok
    assert not delivery.retryable
    assert "redirects are not followed" in delivery.detail
    assert [r.path for r in sink.received()] == [f"/status/{status}"]
    assert sink.received("/target") == []


def test_a_server_slower_than_the_timeout_is_a_quick_retryable_failure(
    webhook: WebhookChannel, sink: HttpSink
) -> None:
    started = time.monotonic()
    delivery = webhook.send(sink.url("/slow"), sample_message())
    elapsed = time.monotonic() - started
    assert not delivery.ok
    assert delivery.retryable
    assert delivery.detail.startswith("timed out")
    assert elapsed < 3.0
    assert len(sink.received("/slow")) == 1  # it did arrive; the answer did not


def test_nothing_listening_is_a_retryable_failure(webhook: WebhookChannel) -> None:
    delivery = webhook.send(f"http://127.0.0.1:{free_port()}/hook", sample_message())
    assert not delivery.ok
    assert delivery.retryable
    assert "ConnectError" in delivery.detail


def test_a_loopback_webhook_without_the_allow_list_is_refused_unsent(sink: HttpSink) -> None:
    channel = WebhookChannel(OutboundGuard())
    try:
        delivery = channel.send(sink.url("/hook"), sample_message(), secret=new_secret())
    finally:
        channel.close()
    assert not delivery.ok
    assert not delivery.retryable
    assert "127.0.0.1" in delivery.detail
    assert sink.received() == []
