"""Sealing contact-method addresses and secrets at rest."""

from __future__ import annotations

import pytest

from watchkeeper.db.sealing import PREFIX, Sealer, Unreadable

URL = "tgram://123456789:AAH-secret-bot-token/987654"


def test_a_sealed_value_opens_to_what_was_sealed_and_shows_nothing_of_it() -> None:
    sealer = Sealer("installation key")
    sealed = sealer.seal(URL)
    assert sealed.startswith(PREFIX)
    assert "secret" not in sealed
    assert "tgram" not in sealed
    assert sealer.open(sealed) == URL
    assert sealer.seal(URL) != sealed  # a fresh nonce each time


def test_another_installations_key_cannot_open_it() -> None:
    sealed = Sealer("old key").seal(URL)
    with pytest.raises(Unreadable, match="another secret key"):
        Sealer("new key").open(sealed)


@pytest.mark.parametrize("value", [URL, "wk1:not-a-token", ""])
def test_a_plain_or_damaged_value_is_unreadable(value: str) -> None:
    with pytest.raises(Unreadable):
        Sealer("installation key").open(value)


def test_a_changed_character_is_detected() -> None:
    sealer = Sealer("installation key")
    sealed = sealer.seal(URL)
    middle = len(sealed) // 2
    tampered = sealed[:middle] + ("A" if sealed[middle] != "A" else "B") + sealed[middle + 1 :]
    with pytest.raises(Unreadable):
        sealer.open(tampered)
