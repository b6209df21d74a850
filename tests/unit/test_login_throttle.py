"""The login throttle on its own: one spelling per login, reserve first, give back on success."""

from __future__ import annotations

import pytest

from watchkeeper.catalog.access.throttle import LoginThrottle
from watchkeeper.catalog.users.schemas import normalize_login
from watchkeeper.core.errors import TooManyRequests


@pytest.mark.parametrize(
    "spelling", [" alice", "alice\t", "ALICE", "\uff21lice", "\u00a0alice\u3000", "Alice\n"]
)
def test_every_spelling_of_a_login_normalizes_to_one(spelling: str) -> None:
    assert normalize_login(spelling) == "alice"


def test_an_exhausted_account_is_refused_with_the_wait_and_nothing_counted() -> None:
    throttle = LoginThrottle("3 per 15 minutes")
    for _ in range(3):
        throttle.reserve(login=normalize_login("alice"), address="10.0.0.1")
    with pytest.raises(TooManyRequests) as refused:
        throttle.reserve(login=normalize_login("alice"), address="10.0.0.2")
    assert 0 < refused.value.extra["retry_after"] <= 15 * 60
    # The refused attempt used nothing of 10.0.0.2's budget (5 x 3 = 15 attempts).
    for number in range(15):
        throttle.reserve(login=normalize_login(f"user{number}"), address="10.0.0.2")
    with pytest.raises(TooManyRequests):
        throttle.reserve(login=normalize_login("bob"), address="10.0.0.2")


def test_an_exhausted_address_costs_the_account_nothing() -> None:
    throttle = LoginThrottle("2 per 15 minutes")
    for number in range(10):
        throttle.reserve(login=normalize_login(f"user{number}"), address="10.0.0.9")
    for _ in range(3):
        with pytest.raises(TooManyRequests):
            throttle.reserve(login=normalize_login("alice"), address="10.0.0.9")
    throttle.reserve(login=normalize_login("alice"), address="10.0.0.1")
    throttle.reserve(login=normalize_login("alice"), address="10.0.0.1")


def test_a_refunded_attempt_frees_its_place() -> None:
    throttle = LoginThrottle("2 per 15 minutes")
    throttle.reserve(login=normalize_login("alice"), address="10.0.0.1")
    for _ in range(5):
        throttle.refund(throttle.reserve(login=normalize_login("alice"), address="10.0.0.1"))
    throttle.reserve(login=normalize_login("alice"), address="10.0.0.1")
    with pytest.raises(TooManyRequests):
        throttle.reserve(login=normalize_login("alice"), address="10.0.0.1")
