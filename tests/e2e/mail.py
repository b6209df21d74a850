"""A real SMTP server (aiosmtpd) that keeps what Watchkeeper sends, for the e2e tests."""

from __future__ import annotations

import email
import email.policy
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any


@dataclass
class Inbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    messages: list[EmailMessage] = field(default_factory=list)
    arrived: list[float] = field(default_factory=list)  # time.monotonic() of each message
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        with self.lock:
            self.messages.append(parsed)
            self.arrived.append(time.monotonic())
        return "250 Message accepted for delivery"

    def received(self) -> list[EmailMessage]:
        with self.lock:
            return list(self.messages)

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.received() if message["To"] == address]

    def timed(self) -> list[tuple[float, EmailMessage]]:
        with self.lock:
            return list(zip(self.arrived, self.messages, strict=True))
