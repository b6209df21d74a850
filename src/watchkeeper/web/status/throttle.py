"""The subscribe form's rate limit: per client address, so one visitor cannot make the
server mail a list of strangers (each would get a confirmation request)."""

from __future__ import annotations

from dataclasses import dataclass, field

from limits import RateLimitItem, parse, storage, strategies

RATES = ("5/minute", "20/hour")


@dataclass
class SubscribeThrottle:
    rates: tuple[str, ...] = RATES
    _items: list[RateLimitItem] = field(init=False)

    def __post_init__(self) -> None:
        self._items = [parse(rate) for rate in self.rates]
        self._limiter = strategies.MovingWindowRateLimiter(storage.MemoryStorage())

    def admit(self, address: str) -> bool:
        """Count one try from `address`; False when it is over a limit."""
        return all(self._limiter.hit(item, "subscribe", address) for item in self._items)
