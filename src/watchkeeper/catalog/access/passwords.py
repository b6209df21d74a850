"""Password hashing with argon2 (through pwdlib), and one-time passwords."""

from __future__ import annotations

import secrets
from functools import cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

_hasher = PasswordHash((Argon2Hasher(),))


@cache
def _dummy_hash() -> str:
    """A hash to verify against when the login does not exist, so both cases take as long."""
    return _hasher.hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, stored_hash: str | None) -> bool:
    """Check `password`; with no stored hash, burn the same time and say no."""
    if stored_hash is None:
        _hasher.verify(password, _dummy_hash())
        return False
    return _hasher.verify(password, stored_hash)


def one_time_password() -> str:
    """A readable random password (about 92 bits) for first logins and resets."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    groups = ["".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4)]
    return "-".join(groups)
