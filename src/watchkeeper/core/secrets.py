"""Secret tokens that are recognisable when leaked and stored only as hashes.

A token looks like `wk_<kind>_<30 random base62 chars><6 char checksum>`: the prefix lets
secret scanners and people spot it, the CRC32 checksum lets a scanner reject typos without
asking the server, and the server keeps only a SHA-256 of the whole string (the token has
~178 bits of entropy, so a fast hash is enough; no salt is needed for lookup).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import zlib

_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_RANDOM_CHARS = 30
_CHECKSUM_CHARS = 6


def _base62(number: int, width: int) -> str:
    chars = []
    for _ in range(width):
        number, digit = divmod(number, 62)
        chars.append(_ALPHABET[digit])
    return "".join(reversed(chars))


def _checksum(body: str) -> str:
    return _base62(zlib.crc32(body.encode()), _CHECKSUM_CHARS)


def new_token(kind: str) -> str:
    """Return a fresh token of `kind` (e.g. `api`), e.g. `wk_api_3kF...`."""
    body = "".join(secrets.choice(_ALPHABET) for _ in range(_RANDOM_CHARS))
    return f"wk_{kind}_{body}{_checksum(body)}"


def looks_valid(token: str, kind: str) -> bool:
    """True when `token` has the shape and checksum of a token of `kind`."""
    prefix = f"wk_{kind}_"
    if not token.startswith(prefix):
        return False
    rest = token[len(prefix) :]
    if len(rest) != _RANDOM_CHARS + _CHECKSUM_CHARS or any(c not in _ALPHABET for c in rest):
        return False
    body, check = rest[:_RANDOM_CHARS], rest[_RANDOM_CHARS:]
    return hmac.compare_digest(_checksum(body), check)


def token_pattern(kind: str) -> str:
    """A regular expression for the shape of a token of `kind` (not its checksum)."""
    return f"wk_{kind}_[0-9A-Za-z]{{{_RANDOM_CHARS + _CHECKSUM_CHARS}}}"


def display_prefix(token: str) -> str:
    """The part of a token that is safe to show in lists (kind and first 4 random chars)."""
    head, _, rest = token.rpartition("_")
    return f"{head}_{rest[:4]}"


def hash_token(token: str) -> str:
    """Hex SHA-256 of a token, the only form in which tokens are stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def random_urlsafe(nbytes: int = 32) -> str:
    """A random URL-safe string, for session ids, CSRF tokens and one-time passwords."""
    return secrets.token_urlsafe(nbytes)
