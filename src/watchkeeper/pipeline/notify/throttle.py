"""Rate limits on verification codes, per person: how many codes they may have sent
(adding a method sends one) and how many they may try. Five tries lock a code; this
also bounds how often new codes, and so new tries, can be had, and how often someone
can make the server message an address that is not theirs."""

from __future__ import annotations

import time

from limits import parse, storage, strategies

from watchkeeper.core.errors import TooManyRequests

ACTIONS = ("send", "try")


class CodeThrottle:
    def __init__(self, rate: str = "10 per hour", storage_uri: str = "memory://") -> None:
        self.rate = rate
        self._item = parse(rate)
        self._limiter = strategies.MovingWindowRateLimiter(storage.storage_from_string(storage_uri))

    def admit(self, action: str, *, user_id: int) -> None:
        """Count one code sent or tried; 429 with Retry-After once over the rate."""
        assert action in ACTIONS
        key = str(user_id)
        if self._limiter.hit(self._item, "contact-code", action, key):
            return
        stats = self._limiter.get_window_stats(self._item, "contact-code", action, key)
        what = "verification codes sent" if action == "send" else "verification code tries"
        raise TooManyRequests(
            f"too many {what} (at most {self.rate}): try again later",
            extra={"retry_after": max(1, int(stats.reset_time - time.time()))},
        )
