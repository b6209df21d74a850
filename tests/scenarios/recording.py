"""A channel that keeps what it is asked to send, and can be told to fail."""

from __future__ import annotations

from dataclasses import dataclass, field

from watchkeeper.pipeline.notify.channels.base import Delivery, Outgoing


@dataclass(frozen=True)
class Sent:
    address: str
    message: Outgoing


@dataclass
class RecordingChannel:
    sent: list[Sent] = field(default_factory=list)
    # Answers to give before succeeding, first one first (e.g. a retryable failure).
    failures: list[Delivery] = field(default_factory=list)
    attempts: int = 0

    def send(self, address: str, message: Outgoing, *, secret: str | None = None) -> Delivery:
        self.attempts += 1
        if self.failures:
            return self.failures.pop(0)
        self.sent.append(Sent(address, message))
        return Delivery(ok=True, detail="recorded")

    def close(self) -> None:
        """Nothing is kept open."""

    def take(self) -> list[Sent]:
        """What was sent since the last call."""
        sent, self.sent = self.sent, []
        return sent
