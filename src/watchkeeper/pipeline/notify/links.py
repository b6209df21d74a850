"""Signed, expiring links that acknowledge or resolve an incident without logging in.

A token carries the action, the incident, the user it was sent to and an expiry, signed
with HMAC-SHA256 under a key derived from the installation's secret key. Changing the
secret key invalidates every link.

A link acts as its person, so only with the powers that person has when it is used: a
viewer gets none in a message, and someone demoted since it was sent cannot use it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from watchkeeper.catalog.users.roles import ROLE_VALUES, Role
from watchkeeper.core.errors import Forbidden, NotFound

LIFETIME = timedelta(days=3)
ACTIONS = ("acknowledge", "resolve")
# The role the API asks to acknowledge or resolve (`ApiResponder`).
ACTING_ROLE = Role.RESPONDER


@dataclass(frozen=True)
class Claim:
    action: str
    incident_id: int
    user_id: int
    notification_id: int
    expires_at: datetime


def may_act(role: str) -> bool:
    """Whether someone of this role may use (and so be sent) action links."""
    return role in ROLE_VALUES and Role(role).allows(ACTING_ROLE)


def check_may_act(claim: Claim, *, login: str, role: str) -> None:
    if not may_act(role):
        raise Forbidden(
            f"{login} may not {claim.action} incidents (their role is {role}); "
            "open the incident in Watchkeeper instead"
        )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class Linker:
    def __init__(self, base_url: str, secret_key: str) -> None:
        self.base_url = base_url.rstrip("/")
        self._key = hashlib.sha256(f"watchkeeper action links:{secret_key}".encode()).digest()

    def incident_url(self, incident_id: int) -> str:
        return f"{self.base_url}/incidents/{incident_id}"

    def action_url(self, claim: Claim) -> str:
        return f"{self.base_url}/act/{self.token(claim)}"

    def token(self, claim: Claim) -> str:
        body = {
            "a": claim.action,
            "i": claim.incident_id,
            "u": claim.user_id,
            "n": claim.notification_id,
            "e": int(claim.expires_at.timestamp()),
        }
        payload = _b64(json.dumps(body, separators=(",", ":")).encode())
        return f"{payload}.{self._sign(payload)}"

    def read(self, token: str, now: datetime) -> Claim:
        """The claim of a valid token; a forged, damaged or expired one is refused."""
        payload, _, signature = token.partition(".")
        if not signature or not hmac.compare_digest(signature, self._sign(payload)):
            raise NotFound("this link is not valid")
        try:
            body = json.loads(_unb64(payload))
            claim = Claim(
                action=str(body["a"]),
                incident_id=int(body["i"]),
                user_id=int(body["u"]),
                notification_id=int(body["n"]),
                expires_at=datetime.fromtimestamp(int(body["e"]), tz=now.tzinfo),
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise NotFound("this link is not valid") from exc
        if claim.action not in ACTIONS:
            raise NotFound("this link is not valid")
        if claim.expires_at <= now:
            raise Forbidden("this link has expired; open the incident in Watchkeeper instead")
        return claim

    def _sign(self, payload: str) -> str:
        return _b64(hmac.new(self._key, payload.encode(), hashlib.sha256).digest()[:24])
