from __future__ import annotations

import re

from watchkeeper.core.secrets import display_prefix, hash_token, looks_valid, new_token


def test_tokens_carry_a_recognisable_prefix_and_a_checksum() -> None:
    token = new_token("api")
    assert re.fullmatch(r"wk_api_[0-9A-Za-z]{36}", token)
    assert looks_valid(token, "api")


def test_a_mistyped_token_fails_its_checksum() -> None:
    token = new_token("api")
    last = token[-1]
    altered = token[:-1] + ("0" if last != "0" else "1")
    assert not looks_valid(altered, "api")
    assert not looks_valid(token, "session")
    assert not looks_valid(token[:-1], "api")


def test_tokens_are_unique_and_stored_only_as_hashes() -> None:
    tokens = {new_token("api") for _ in range(200)}
    assert len(tokens) == 200
    token = tokens.pop()
    assert hash_token(token) == hash_token(token)
    assert token not in hash_token(token)
    assert len(hash_token(token)) == 64


def test_display_prefix_shows_kind_and_a_few_characters() -> None:
    token = new_token("api")
    prefix = display_prefix(token)
    assert prefix.startswith("wk_api_")
    assert len(prefix) == len("wk_api_") + 4
    assert token.startswith(prefix)
