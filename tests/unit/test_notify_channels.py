"""The notification channels against real local servers (HTTP, SMTP), the outbound guard,
rendering, signed action links and the retry back-off. No database."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import apprise
import httpx2
import pytest
from aiosmtpd.controller import Controller
from standardwebhooks import Webhook, WebhookVerificationError

from watchkeeper.core.errors import Forbidden, NotFound
from watchkeeper.pipeline.notify import send
from watchkeeper.pipeline.notify.channels.apprise_channel import AppriseChannel, understands
from watchkeeper.pipeline.notify.channels.base import Outgoing
from watchkeeper.pipeline.notify.channels.email import EmailChannel, SmtpConfig
from watchkeeper.pipeline.notify.channels.guard import OutboundGuard, Refused
from watchkeeper.pipeline.notify.channels.webhook import WebhookChannel, new_secret
from watchkeeper.pipeline.notify.links import Claim, Linker
from watchkeeper.pipeline.notify.render import IncidentCard, page_message, plain_message

LOOPBACK = ["127.0.0.1/32"]
# Apprise's plugins import the deprecated `imghdr` (for PGPy) when first loaded; with
# warnings as errors that import would fail whichever Apprise test comes first.
APPRISE = pytest.mark.filterwarnings("ignore:'imghdr' is deprecated:DeprecationWarning")
NOW = datetime(2026, 1, 15, 9, 0, tzinfo=UTC)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _message(**payload: Any) -> Outgoing:
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


def _handler(sink: HttpSink) -> type[BaseHTTPRequestHandler]:
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


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up (the timeout test) is not an error of the test


@pytest.fixture
def sink() -> Iterator[HttpSink]:
    recorder = HttpSink()
    server = _QuietServer(("127.0.0.1", 0), _handler(recorder))
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
    delivery = webhook.send(sink.url(f"/status/{status}"), _message(), secret=new_secret())
    assert delivery.ok
    assert delivery.detail == f"HTTP {status}"
    [received] = sink.received()
    assert received.method == "POST"
    assert received.headers["content-type"] == "application/json"
    assert json.loads(received.body) == _message().payload


def test_a_webhook_is_signed_so_the_standard_webhooks_library_verifies_it(
    webhook: WebhookChannel, sink: HttpSink
) -> None:
    secret = new_secret()
    assert secret.startswith("whsec_")
    before = int(time.time())
    assert webhook.send(sink.url("/hook"), _message(), secret=secret).ok
    [received] = sink.received("/hook")
    assert received.headers["webhook-id"] == "wk_msg_42"
    assert before <= int(received.headers["webhook-timestamp"]) <= time.time() + 1
    assert received.headers["webhook-signature"].startswith("v1,")
    verified = Webhook(secret).verify(received.body, received.headers)
    assert verified == _message().payload


def test_a_tampered_body_or_another_secret_does_not_verify(
    webhook: WebhookChannel, sink: HttpSink
) -> None:
    secret = new_secret()
    assert webhook.send(sink.url("/hook"), _message(), secret=secret).ok
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
    assert webhook.send(sink.url("/hook"), _message()).ok
    [received] = sink.received("/hook")
    assert "webhook-signature" not in received.headers
    assert received.headers["webhook-id"] == "wk_msg_42"


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_server_errors_and_rate_limits_are_retryable(
    webhook: WebhookChannel, sink: HttpSink, status: int
) -> None:
    delivery = webhook.send(sink.url(f"/status/{status}"), _message())
    assert (delivery.ok, delivery.retryable, delivery.detail) == (False, True, f"HTTP {status}")


@pytest.mark.parametrize("status", [400, 401, 404, 410])
def test_other_client_errors_are_permanent(
    webhook: WebhookChannel, sink: HttpSink, status: int
) -> None:
    delivery = webhook.send(sink.url(f"/status/{status}"), _message())
    assert (delivery.ok, delivery.retryable, delivery.detail) == (False, False, f"HTTP {status}")


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_redirects_are_not_followed(webhook: WebhookChannel, sink: HttpSink, status: int) -> None:
    delivery = webhook.send(sink.url(f"/status/{status}"), _message())
    assert not delivery.ok
    assert not delivery.retryable
    assert "redirects are not followed" in delivery.detail
    assert [r.path for r in sink.received()] == [f"/status/{status}"]
    assert sink.received("/target") == []


def test_a_server_slower_than_the_timeout_is_a_quick_retryable_failure(
    webhook: WebhookChannel, sink: HttpSink
) -> None:
    started = time.monotonic()
    delivery = webhook.send(sink.url("/slow"), _message())
    elapsed = time.monotonic() - started
    assert not delivery.ok
    assert delivery.retryable
    assert delivery.detail.startswith("timed out")
    assert elapsed < 3.0
    assert len(sink.received("/slow")) == 1  # it did arrive; the answer did not


def test_nothing_listening_is_a_retryable_failure(webhook: WebhookChannel) -> None:
    delivery = webhook.send(f"http://127.0.0.1:{_free_port()}/hook", _message())
    assert not delivery.ok
    assert delivery.retryable
    assert "ConnectError" in delivery.detail


def test_a_loopback_webhook_without_the_allow_list_is_refused_unsent(sink: HttpSink) -> None:
    channel = WebhookChannel(OutboundGuard())
    try:
        delivery = channel.send(sink.url("/hook"), _message(), secret=new_secret())
    finally:
        channel.close()
    assert not delivery.ok
    assert not delivery.retryable
    assert "127.0.0.1" in delivery.detail
    assert sink.received() == []


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
    handler = Inbox(port=_free_port())
    controller = Controller(handler, hostname="127.0.0.1", port=handler.port)
    controller.start()
    try:
        yield handler
    finally:
        controller.stop()


def _smtp(port: int) -> SmtpConfig:
    return SmtpConfig(host="127.0.0.1", port=port, sender="pager@watchkeeper.test", timeout=5.0)


def test_an_email_arrives_with_subject_sender_and_both_parts(inbox: Inbox) -> None:
    message = _message()
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
    message = page_message("wk_msg_9", [_card(9, title="Checkout down\r\nsince 09:00")])
    delivery = EmailChannel(_smtp(inbox.port)).send("alice@example.com", message)
    assert delivery.ok, delivery.detail
    [mail] = inbox.received()
    assert mail["Subject"] == "[Watchkeeper] #9 P2 triggered: Checkout down since 09:00 (Checkout)"


def test_email_without_an_smtp_server_set_up_is_a_permanent_failure() -> None:
    delivery = EmailChannel(None).send("alice@example.com", _message())
    assert (delivery.ok, delivery.retryable) == (False, False)
    assert "WATCHKEEPER_SMTP_HOST" in delivery.detail


def test_an_smtp_server_that_is_not_listening_is_a_retryable_failure() -> None:
    delivery = EmailChannel(_smtp(_free_port())).send("alice@example.com", _message())
    assert (delivery.ok, delivery.retryable) == (False, True)
    assert "ConnectionRefusedError" in delivery.detail


def test_a_refused_recipient_is_a_permanent_failure(inbox: Inbox) -> None:
    inbox.rcpt_answer = "550 5.1.1 no such user"
    delivery = EmailChannel(_smtp(inbox.port)).send("nobody@example.com", _message())
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
    delivery = EmailChannel(_smtp(inbox.port)).send("alice@example.com", _message())
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
    delivery = AppriseChannel(OutboundGuard()).send("nonsense://x", _message())
    assert (delivery.ok, delivery.retryable) == (False, False)
    assert "does not understand" in delivery.detail


@APPRISE
@pytest.mark.parametrize(
    "url", ["json://127.0.0.1:1/x", "jsons://10.0.0.1/x", "ntfy://192.168.1.1/topic"]
)
def test_a_self_hosted_apprise_url_to_a_private_address_is_refused(url: str) -> None:
    delivery = AppriseChannel(OutboundGuard()).send(url, _message())
    assert (delivery.ok, delivery.retryable) == (False, False)
    assert "private or local address" in delivery.detail


@APPRISE
def test_a_self_hosted_apprise_url_delivers_once_its_network_is_allowed(sink: HttpSink) -> None:
    message = _message()
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
    delivery = AppriseChannel(OutboundGuard(LOOPBACK)).send(url, _message())
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
    delivery = AppriseChannel(OutboundGuard()).send(url.format(port=sink.port), _message())
    assert sink.received() == []
    assert (delivery.ok, delivery.retryable) == (False, False)
    assert "127.0.0.1" in delivery.detail


@APPRISE
def test_an_apprise_email_through_a_private_smtp_server_is_refused() -> None:
    url = "mailto://user:pass@example.com?smtp=10.0.0.1&to=ops@example.com"
    delivery = AppriseChannel(OutboundGuard()).send(url, _message())
    assert (delivery.ok, delivery.retryable) == (False, False)
    assert "10.0.0.1" in delivery.detail


@APPRISE
def test_an_ntfy_cloud_topic_is_not_mistaken_for_a_host(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[str] = []

    def notify(self: apprise.Apprise, *, body: str, title: str) -> bool:
        sent.append(title)  # instead of posting to ntfy.sh
        return True

    monkeypatch.setattr(apprise.Apprise, "notify", notify)
    delivery = AppriseChannel(OutboundGuard()).send("ntfy://watchkeeper-alerts", _message())
    assert "cannot resolve" not in delivery.detail
    assert delivery.ok
    assert sent == [_message().subject]


# -- rendering ----------------------------------------------------------------------------


def _card(id_: int, *, priority: str = "P2", title: str | None = None) -> IncidentCard:
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


def test_a_one_incident_page_names_it_in_the_subject() -> None:
    message = page_message("wk_msg_1", [_card(7, priority="P1", title="Checkout returns 502")])
    assert message.subject == "[Watchkeeper] #7 P1 triggered: Checkout returns 502 (Checkout)"
    assert message.message_id == "wk_msg_1"
    for part in (message.text, message.html):
        assert "https://wk.example/act/ack-7" in part
        assert "https://wk.example/act/res-7" in part
        assert "https://wk.example/incidents/7" in part
        assert "summary of 7" in part
    assert message.payload["type"] == "page"
    [incident] = message.payload["incidents"]
    assert incident["acknowledge_url"] == "https://wk.example/act/ack-7"
    assert incident["resolve_url"] == "https://wk.example/act/res-7"


def test_a_bundle_counts_its_incidents_and_names_the_worst_priority() -> None:
    cards = [_card(1, priority="P3"), _card(2, priority="P1"), _card(3, priority="P2")]
    message = page_message("wk_msg_2", cards)
    assert message.subject == "[Watchkeeper] 3 incidents need you (worst P1)"
    for card in cards:
        for part in (message.text, message.html):
            assert card.acknowledge_url in part
            assert card.resolve_url in part
            assert f"#{card.id} " in part
    assert [i["id"] for i in message.payload["incidents"]] == [1, 2, 3]


def test_html_escapes_what_incidents_say() -> None:
    title = "<script>alert('x')</script> & co"
    message = page_message("wk_msg_3", [_card(1, title=title)])
    assert "<script>" not in message.html
    assert "&lt;script&gt;" in message.html
    assert "&amp; co" in message.html
    assert title in message.text  # plain text stays as it was
    assert message.payload["incidents"][0]["title"] == title


def test_a_subject_is_one_line_whatever_the_title_holds() -> None:
    message = page_message("wk_msg_8", [_card(1, title="Disk\nfull\r\non  db-1\t")])
    assert message.subject == "[Watchkeeper] #1 P2 triggered: Disk full on db-1 (Checkout)"
    assert "Disk\nfull" in message.text  # the body keeps the title as written
    plain = plain_message("wk_msg_9", "Shift\nstarts", "text")
    assert plain.subject == "Shift starts"


def test_a_long_title_keeps_the_subject_within_its_column() -> None:
    message = page_message("wk_msg_4", [_card(1, title="x" * 1000)])
    assert len(message.subject) == 300


def test_a_plain_message_escapes_and_keeps_its_lines() -> None:
    message = plain_message("wk_msg_5", "Your code", "line <1>\nline 2")
    assert message.text == "line <1>\nline 2"
    assert "line &lt;1&gt;<br>line 2" in message.html
    assert message.payload == {"type": "message", "text": "line <1>\nline 2"}


# -- signed action links ------------------------------------------------------------------


def _claim(action: str = "acknowledge", expires_at: datetime = NOW + timedelta(days=3)) -> Claim:
    return Claim(action, incident_id=12, user_id=3, notification_id=99, expires_at=expires_at)


def test_a_link_round_trips_its_claim() -> None:
    linker = Linker("https://wk.example/", "secret key")
    for action in ("acknowledge", "resolve"):
        claim = _claim(action)
        token = linker.token(claim)
        assert linker.read(token, NOW) == claim
        assert linker.action_url(claim) == f"https://wk.example/act/{token}"
    assert linker.incident_url(12) == "https://wk.example/incidents/12"


def test_any_changed_character_makes_a_link_invalid() -> None:
    linker = Linker("https://wk.example", "secret key")
    token = linker.token(_claim())
    for index, char in enumerate(token):
        if char == ".":
            continue
        changed = token[:index] + ("A" if char != "A" else "B") + token[index + 1 :]
        with pytest.raises(NotFound):
            linker.read(changed, NOW)


@pytest.mark.parametrize("cut", ["no-dot-at-all", "", ".", "payload.", ".signature"])
def test_a_malformed_link_is_not_found(cut: str) -> None:
    with pytest.raises(NotFound):
        Linker("https://wk.example", "secret key").read(cut, NOW)


def test_an_expired_link_is_forbidden() -> None:
    linker = Linker("https://wk.example", "secret key")
    token = linker.token(_claim(expires_at=NOW))
    assert linker.read(token, NOW - timedelta(seconds=1)).expires_at == NOW
    with pytest.raises(Forbidden):
        linker.read(token, NOW)
    with pytest.raises(Forbidden):
        linker.read(token, NOW + timedelta(days=30))


def test_a_link_signed_with_another_secret_key_is_not_found() -> None:
    token = Linker("https://wk.example", "old key").token(_claim())
    with pytest.raises(NotFound):
        Linker("https://wk.example", "new key").read(token, NOW)


def test_a_signed_link_for_an_unknown_action_is_not_found() -> None:
    linker = Linker("https://wk.example", "secret key")
    for action in ("delete", "close", ""):
        with pytest.raises(NotFound):
            linker.read(linker.token(_claim(action)), NOW)


# -- retry back-off -----------------------------------------------------------------------


@pytest.mark.parametrize("attempts", range(1, 11))
def test_backoff_doubles_from_15_seconds_to_at_most_15_minutes_with_jitter(attempts: int) -> None:
    step = min(timedelta(seconds=15) * 2 ** (attempts - 1), timedelta(minutes=15))
    shortest = send.backoff(attempts, rng=lambda: 0.0)
    longest = send.backoff(attempts, rng=lambda: 1.0)
    assert shortest == step / 2
    assert longest == step
    assert step / 2 <= send.backoff(attempts, rng=lambda: 0.37) <= step
    assert step / 2 <= send.backoff(attempts) <= step
