"""Email against a real local SMTP server, and Apprise URLs (guarded like webhooks)."""

from __future__ import annotations

import email
import email.policy
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import apprise
import pytest
from aiosmtpd.controller import Controller

from tests.unit.channel_support import (
    APPRISE,
    LOOPBACK,
    HttpSink,
    TcpListener,
    card,
    free_port,
    sample_message,
)
from watchkeeper.pipeline.notify.channels.apprise_channel import AppriseChannel, understands
from watchkeeper.pipeline.notify.channels.email import EmailChannel, SmtpConfig
from watchkeeper.pipeline.notify.channels.guard import OutboundGuard
from watchkeeper.pipeline.notify.render import page_message

# -- email --------------------------------------------------------------------------------


@dataclass
class Inbox:
    """An aiosmtpd handler that keeps what it accepts; it can refuse recipients or data."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    rcpt_answer: str = "250 OK"
    data_answer: str = "250 Message accepted for delivery"
    port: int = 0

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any
    ) -> str:
        if self.rcpt_answer.startswith("250"):
            envelope.rcpt_tos.append(address)
        return self.rcpt_answer

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if not self.data_answer.startswith("250"):
            return self.data_answer
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.lock:
            self.messages.append(parsed)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return self.data_answer

    def received(self) -> list[EmailMessage]:
        with self.lock:
            return list(self.messages)


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    handler = Inbox(port=free_port())
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    try:
        yield handler
    finally:
        controller.stop()


def _smtp(port: int) -> SmtpConfig:
    return SmtpConfig(host="127.0.0.1", port=port, sender="pager@watchkeeper.test", timeout=5.0)


def test_an_email_arrives_with_subject_sender_and_both_parts(inbox: Inbox) -> None:
    message = sample_message()
    delivery = EmailChannel(_smtp(inbox.port)).send("alice@example.com", message)
    assert delivery.ok, delivery.detail
    [mail] = inbox.received()
    assert mail["Subject"] == message.subject
    assert mail["From"] == "pager@watchkeeper.test"
    assert mail["To"] == "alice@example.com"
    assert mail["X-Watchkeeper-Message"] == "wk_msg_42"
    assert "wk_msg_42" in mail["Message-ID"]
    assert mail.get_content_type() == "multipart/alternative"
    plain = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert plain is not None
    assert html is not None
    assert isinstance(plain, EmailMessage)
    assert isinstance(html, EmailMessage)
    assert plain.get_content().replace("\r\n", "\n").strip() == message.text
    assert html.get_content().replace("\r\n", "\n").strip() == message.html
    assert inbox.envelopes == [("pager@watchkeeper.test", ["alice@example.com"])]


def test_a_page_about_a_title_with_line_breaks_is_emailed(inbox: Inbox) -> None:
    # Titles come from alert summaries and the API, where a line break is allowed; a mail
    # header may not hold one.
    message = page_message("wk_msg_9", [card(9, title="Checkout down\r\nsince 09:00")])
    delivery = EmailChannel(_smtp(inbox.port)).send("alice@example.com", message)
    assert delivery.ok, delivery.detail
    [mail] = inbox.received()
    assert mail["Subject"] == "[Watchkeeper] #9 P2 triggered: Checkout down since 09:00 (Checkout)"


@pytest.mark.parametrize(
    "address", ["alice@example.com\r\nBcc: eve@example.com", "alice@example.com\x00"]
)
def test_an_email_address_with_a_control_character_is_refused_unsent(
    inbox: Inbox, address: str
) -> None:
    delivery = EmailChannel(_smtp(inbox.port)).send(address, sample_message())
    assert (delivery.ok, delivery.retryable) == (False, False)
    assert "control character" in delivery.detail
    assert inbox.received() == []


def test_email_without_an_smtp_server_set_up_is_a_permanent_failure() -> None:
    delivery = EmailChannel(None).send("alice@example.com", sample_message())
    assert (delivery.ok, delivery.retryable) == (False, False)
    assert "WATCHKEEPER_SMTP_HOST" in delivery.detail


def test_an_smtp_server_that_is_not_listening_is_a_retryable_failure() -> None:
    delivery = EmailChannel(_smtp(free_port())).send("alice@example.com", sample_message())
    assert (delivery.ok, delivery.retryable) == (False, True)
    assert "ConnectionRefusedError" in delivery.detail


def test_a_refused_recipient_is_a_permanent_failure(inbox: Inbox) -> None:
    inbox.rcpt_answer = "550 5.1.1 no such user"
    delivery = EmailChannel(_smtp(inbox.port)).send("nobody@example.com", sample_message())
    assert (delivery.ok, delivery.retryable) == (False, False)
    assert "recipient refused" in delivery.detail
    assert inbox.received() == []


@pytest.mark.parametrize(
    ("answer", "retryable"), [("451 4.3.0 try later", True), ("554 no", False)]
)
def test_smtp_4xx_answers_are_retried_and_5xx_are_not(
    inbox: Inbox, answer: str, retryable: bool
) -> None:
    inbox.data_answer = answer
    delivery = EmailChannel(_smtp(inbox.port)).send("alice@example.com", sample_message())
    assert (delivery.ok, delivery.retryable) == (False, retryable)
    assert delivery.detail == f"SMTP {answer[:3]}"


# -- Apprise ------------------------------------------------------------------------------


@APPRISE
@pytest.mark.parametrize(
    ("url", "known"),
    [
        ("ntfy://ntfy.sh/topic", True),
        ("mailto://u:p@example.com", True),
        ("json://hooks.example.com/x", True),
        ("nonsense://x", False),
        ("not a url", False),
    ],
)
def test_apprise_understands_its_urls_and_no_others(url: str, known: bool) -> None:
    assert understands(url) is known


@APPRISE
def test_an_apprise_url_it_does_not_understand_is_a_permanent_failure() -> None:
    delivery = AppriseChannel(OutboundGuard()).send("nonsense://x", sample_message())
    assert (delivery.ok, delivery.retryable) == (False, False)
    assert "does not know this URL" in delivery.detail


@APPRISE
@pytest.mark.parametrize(
    "url", ["json://127.0.0.1:1/x", "jsons://10.0.0.1/x", "ntfy://192.168.1.1/topic"]
)
def test_a_self_hosted_apprise_url_to_a_private_address_is_refused(url: str) -> None:
    delivery = AppriseChannel(OutboundGuard()).send(url, sample_message())
    assert (delivery.ok, delivery.retryable) == (False, False)
    assert "not allowed" in delivery.detail


@APPRISE
def test_a_self_hosted_apprise_url_delivers_once_its_network_is_allowed(sink: HttpSink) -> None:
    message = sample_message()
    url = f"json://127.0.0.1:{sink.port}/hook"
    delivery = AppriseChannel(OutboundGuard(LOOPBACK)).send(url, message)
    assert delivery.ok, delivery.detail
    [received] = sink.received("/hook")
    assert received.method == "POST"
    assert "json" in received.headers["content-type"]
    body = json.loads(received.body)
    assert body["title"] == message.subject
    assert body["message"] == message.text


@APPRISE
def test_apprise_retries_a_service_that_fails(sink: HttpSink) -> None:
    url = f"json://127.0.0.1:{sink.port}/status/503"
    delivery = AppriseChannel(OutboundGuard(LOOPBACK)).send(url, sample_message())
    assert (delivery.ok, delivery.retryable) == (False, True)
    assert len(sink.received("/status/503")) == 1


@APPRISE
@pytest.mark.parametrize(
    "url",
    [
        "hassio://127.0.0.1:{port}/access-token",
        "gotify://127.0.0.1:{port}/token",
        "signal://127.0.0.1:{port}/+15551234567/+15557654321",
    ],
)
def test_every_apprise_scheme_that_names_a_host_is_guarded(sink: HttpSink, url: str) -> None:
    delivery = AppriseChannel(OutboundGuard()).send(url.format(port=sink.port), sample_message())
    assert sink.received() == []
    assert (delivery.ok, delivery.retryable) == (False, False)
    assert "not allowed" in delivery.detail


@APPRISE
def test_an_apprise_email_through_a_private_smtp_server_is_refused() -> None:
    url = "mailto://user:pass@example.com?smtp=10.0.0.1&to=ops@example.com"
    delivery = AppriseChannel(OutboundGuard()).send(url, sample_message())
    assert (delivery.ok, delivery.retryable) == (False, False)
    assert "not allowed" in delivery.detail


@APPRISE
def test_an_apprise_service_we_have_not_reviewed_is_refused_unsent(listener: TcpListener) -> None:
    url = f"irc://bot@127.0.0.1:{listener.port}/%23ops"
    delivery = AppriseChannel(OutboundGuard(LOOPBACK)).send(url, sample_message())
    assert (delivery.ok, delivery.retryable) == (False, False)
    assert "does not send through this Apprise service (irc://)" in delivery.detail
    assert listener.connections() == []


@APPRISE
def test_a_line_break_in_an_apprise_url_is_refused_unsent_even_where_allowed(
    sink: HttpSink,
) -> None:
    url = f"json://user:p%0d%0aX-Forged:%201@127.0.0.1:{sink.port}/hook"
    delivery = AppriseChannel(OutboundGuard(LOOPBACK)).send(url, sample_message())
    assert (delivery.ok, delivery.retryable) == (False, False)
    assert "control character" in delivery.detail
    assert sink.received() == []


@APPRISE
def test_an_ntfy_cloud_topic_is_not_mistaken_for_a_host(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[str] = []

    def notify(self: apprise.Apprise, *, body: str, title: str) -> bool:
        sent.append(title)  # instead of posting to ntfy.sh
        return True

    monkeypatch.setattr(apprise.Apprise, "notify", notify)
    delivery = AppriseChannel(OutboundGuard()).send("ntfy://watchkeeper-alerts", sample_message())
    assert "cannot resolve" not in delivery.detail
    assert delivery.ok
    assert sent == [sample_message().subject]
