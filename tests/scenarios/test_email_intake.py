"""Mail to an integration's address becomes an alert: sent with the standard library's
smtplib to the real aiosmtpd listener, committed before the 250, then paged."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest

from tests.e2e.server import free_port
from tests.scenarios.harness import Harness
from watchkeeper.pipeline.ingest.keys import KeyCache
from watchkeeper.pipeline.ingest.writer import IntakeWriter
from watchkeeper.wiring import build_mail_listener


@pytest.fixture
def smtp(h: Harness) -> Iterator[tuple[int, str]]:
    """The listener on a free port; yields it and a generic integration's key."""
    settings = h.settings.model_copy(
        update={
            "smtp_listen_port": free_port(),
            "smtp_listen_domain": "alerts.example.com",
            "smtp_listen_max_bytes": 20_000,
            "smtp_dedup_subject_pattern": r"^\[([\w-]+)\]",
        }
    )
    writer = IntakeWriter(h.db)
    writer.start()
    listener = build_mail_listener(settings, KeyCache(h.db, ttl=0), writer, h.clock)
    listener.start()
    try:
        yield settings.smtp_listen_port, h.key("generic")
    finally:
        listener.stop()
        writer.stop()


def send(port: int, to: str, subject: str, body: str = "", **headers: Any) -> dict[str, Any]:
    message = EmailMessage()
    message["From"] = "nagios@example.com"
    message["To"] = to
    message["Subject"] = subject
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body or "details")
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        refused: dict[str, Any] = client.send_message(message)
    return refused


def test_a_mail_opens_an_incident_with_subject_and_body(h: Harness, smtp: tuple[int, str]) -> None:
    port, key = smtp
    send(port, f"{key}@alerts.example.com", "[db-1] Disk full", "Only 2% left on /var")
    h.run_engine()
    [incident] = h.incidents()
    assert incident.title == "[db-1] Disk full"
    [alert] = h.alerts()
    assert alert.details["description"] == "Only 2% left on /var"
    assert alert.fingerprint == "email:db-1"


def test_a_plus_address_and_a_repeat_by_subject_pattern_bump_one_alert(
    h: Harness, smtp: tuple[int, str]
) -> None:
    port, key = smtp
    send(port, f"ops+{key}@alerts.example.com", "[web] 5xx high")
    send(port, f"{key}@alerts.example.com", "[web] 5xx still high")
    h.run_engine()
    assert len(h.incidents()) == 1
    assert h.alerts()[0].count == 2


def test_html_is_turned_into_text_and_attachments_are_noted(
    h: Harness, smtp: tuple[int, str]
) -> None:
    port, key = smtp
    message = EmailMessage()
    message["From"] = "grafana@example.com"
    message["To"] = f"{key}@alerts.example.com"
    message["Subject"] = "Latency"
    message.set_content("<p>p99 is <b>2.3 s</b></p><script>x()</script>", subtype="html")
    message.add_attachment(b"png", maintype="image", subtype="png", filename="graph.png")
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.send_message(message)
    h.run_engine()
    description = h.alerts()[0].details["description"]
    assert description.startswith("p99 is 2.3 s")
    assert "x()" not in description
    assert "1 attachment(s) not stored: graph.png" in description


def test_unknown_addresses_oversized_mail_and_loops_page_nobody(
    h: Harness, smtp: tuple[int, str]
) -> None:
    port, key = smtp
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send(port, "wk_int_" + "x" * 36 + "@alerts.example.com", "nope")
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send(port, f"{key}@elsewhere.example.com", "wrong domain")
    with pytest.raises(smtplib.SMTPException):
        send(port, f"{key}@alerts.example.com", "big", "x" * 30_000)
    send(port, f"{key}@alerts.example.com", "Out of office", Auto_Submitted="auto-replied")
    send(
        port,
        f"{key}@alerts.example.com",
        "Re: [P1] Checkout down",
        In_Reply_To="<1.2.3.wk_msg_41@watchkeeper.example.com>",
    )
    h.run_engine()
    assert h.incidents() == []
