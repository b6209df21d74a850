"""Login throttling: failed attempts per account and per client address, in a moving window.

Counts live in a `limits` storage (memory by default, Redis or others by URI), so a
bad login changes nothing in the database. The window runs on the storage's own clock,
the one exception to injected time: it is about real attackers, not simulated time.
"""

from __future__ import annotations

import time

from limits import RateLimitItem, parse, storage, strategies


class LoginThrottle:
    def __init__(self, rate: str, storage_uri: str = "memory://") -> None:
        self._per_login = parse(rate)
        self._per_address = _scaled(self._per_login, 5)
        self._limiter = strategies.MovingWindowRateLimiter(storage.storage_from_string(storage_uri))

    def allowed(self, *, login: str, address: str) -> bool:
        """False when either the account or the address has used up its failures."""
        return self._limiter.test(self._per_login, "login", login.lower()) and self._limiter.test(
            self._per_address, "address", address
        )

    def failed(self, *, login: str, address: str) -> None:
        self._limiter.hit(self._per_login, "login", login.lower())
        self._limiter.hit(self._per_address, "address", address)

    def retry_after_seconds(self, *, login: str) -> int:
        stats = self._limiter.get_window_stats(self._per_login, "login", login.lower())
        return max(1, int(stats.reset_time - time.time()))


def _scaled(item: RateLimitItem, factor: int) -> RateLimitItem:
    return type(item)(item.amount * factor, item.multiples, item.namespace)
