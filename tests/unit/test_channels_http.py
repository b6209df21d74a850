"""Signed webhooks against a real local HTTP server."""

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
from watchkeeper.pipeline.notify.channels.guard import OutboundGuard
from watchkeeper.pipeline.notify.channels.webhook import WebhookChannel, new_secret

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
