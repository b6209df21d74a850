"""Login throttling: failed attempts per account and per client address, in windows.

Counts live in a `limits` storage (memory by default, Redis or others by URI), so a
bad login changes nothing in the database. A window starts at the first failure and
lasts the period of the rate; its clock is the storage's own, the one exception to
injected time: it is about real attackers, not simulated time.

An attempt is counted before its password is checked and given back if it succeeds:
checking first and counting after would let parallel guesses all pass the check before
any of them is counted.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from limits import RateLimitItem, parse, storage

from watchkeeper.catalog.access import errors
from watchkeeper.catalog.users.schemas import LoginName

ADDRESS_FACTOR = 5


@dataclass(frozen=True)
class Reservation:
    """The counter keys one attempt was counted under, to give back on success."""

    keys: tuple[str, ...]


class LoginThrottle:
    def __init__(self, rate: str, storage_uri: str = "memory://") -> None:
        self._per_login = parse(rate)
        self._per_address = _scaled(self._per_login, ADDRESS_FACTOR)
        self._expiry = self._per_login.get_expiry()  # the address limit has the same period
        found = storage.storage_from_string(storage_uri)
        if not isinstance(found, storage.Storage):
            raise ValueError(f"{storage_uri!r} is an asynchronous storage; use a synchronous one")
        self._storage = found

    def reserve(self, *, login: LoginName, address: str) -> Reservation:
        """Count one attempt against the account and the address; raise TooManyRequests
        (counting nothing) when either has used up its budget."""
        taken: list[str] = []
        limits = ((self._per_login, "login", login), (self._per_address, "address", address))
        for item, kind, name in limits:
            key = item.key_for(kind, name)
            if self._storage.incr(key, self._expiry) > item.amount:
                for counted in (*taken, key):
                    self._give_back(counted)
                raise errors.throttled(self._seconds_left(key))
            taken.append(key)
        return Reservation(tuple(taken))

    def refund(self, reservation: Reservation) -> None:
        """The attempt succeeded: it no longer counts as a failure."""
        for key in reservation.keys:
            self._give_back(key)

    def _give_back(self, key: str) -> None:
        if isinstance(self._storage, storage.MemoryStorage):
            self._storage.decr(key)  # never below zero, even if the window just ended
        else:
            self._storage.incr(key, self._expiry, amount=-1)

    def _seconds_left(self, key: str) -> int:
        return max(1, int(self._storage.get_expiry(key) - time.time()))


def _scaled(item: RateLimitItem, factor: int) -> RateLimitItem:
    return type(item)(item.amount * factor, item.multiples, item.namespace)
