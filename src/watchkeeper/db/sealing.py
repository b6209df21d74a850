"""Values sealed at rest: contact-method addresses (Apprise URLs carry credentials) and
webhook signing secrets are stored encrypted, so a copy of the database or a backup
does not hand them out. They are opened only to be shown to their owner or sent to.

Fernet (AES-128-CBC with HMAC-SHA256) under a key derived with HKDF from the
installation's secret key: changing that key makes sealed values unreadable, as it
invalidates action links. A sealed value starts with `wk1:` so it is never taken for a
plain one.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

PREFIX = "wk1:"
_INFO = b"watchkeeper contact methods at rest"


class Unreadable(Exception):
    """A value that is not sealed, or not with this installation's key."""


class Sealer:
    def __init__(self, secret_key: str) -> None:
        key = HKDF(algorithm=SHA256(), length=32, salt=None, info=_INFO).derive(secret_key.encode())
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def seal(self, value: str) -> str:
        return PREFIX + self._fernet.encrypt(value.encode()).decode()

    def open(self, sealed: str) -> str:
        if not sealed.startswith(PREFIX):
            raise Unreadable("not a sealed value")
        try:
            return self._fernet.decrypt(sealed.removeprefix(PREFIX).encode()).decode()
        except InvalidToken:
            raise Unreadable("sealed with another secret key, or damaged") from None
