"""The channel contract: send one message to one address and say whether a failure may
pass with a retry."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Outgoing:
    """One rendered message; `payload` is the JSON body webhooks get."""

    message_id: str  # stable across retries: receivers can drop duplicates
    subject: str
    text: str
    html: str
    payload: dict[str, Any] = field(default_factory=dict)
    # Extra email headers (List-Unsubscribe ...); other channels ignore them.
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Delivery:
    ok: bool
    retryable: bool = False
    detail: str = ""


class Channel(Protocol):
    def send(self, address: str, message: Outgoing, *, secret: str | None = None) -> Delivery: ...

    def close(self) -> None:
        """Let go of connections kept between sends."""
