"""OpenID Connect, the relying party's side: discovery, the authorization request with
PKCE, state and nonce, the code exchange, and the ID token's signature and claims.

Authlib makes the PKCE challenge and the random values; joserfc (Authlib's own JOSE
library) checks the ID token against the provider's published keys.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import httpx2
from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from watchkeeper.catalog.sso.service import Identity
from watchkeeper.core.errors import Unauthorized

ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA")
METADATA_SECONDS = 3600.0
PENDING_SECONDS = 600


def _random(length: int) -> str:
    return str(generate_token(length))  # type: ignore[no-untyped-call]


def _challenge(verifier: str) -> str:
    return str(create_s256_code_challenge(verifier))  # type: ignore[no-untyped-call]


class ProviderError(Unauthorized):
    """The identity provider could not be reached or answered something unusable."""


@dataclass(frozen=True)
class Pending:
    """What the browser carries between leaving for the provider and coming back."""

    state: str
    nonce: str
    verifier: str
    next: str
    expires: int


class OidcClient:
    def __init__(
        self,
        *,
        discovery_url: str,
        client_id: str,
        client_secret: str,
        scopes: str,
        redirect_uri: str,
        signing_key: str,
        transport: httpx2.BaseTransport | None = None,
    ) -> None:
        self.discovery_url = discovery_url
        self.client_id = client_id
        self.client_secret = client_secret
        self.scopes = scopes
        self.redirect_uri = redirect_uri
        self._key = hashlib.sha256(b"oidc-pending:" + signing_key.encode()).digest()
        self._http = httpx2.Client(timeout=10.0, transport=transport)
        self._metadata: dict[str, Any] | None = None
        self._keys: KeySet | None = None
        self._fetched = 0.0

    # -- the authorization request ------------------------------------------------------

    def start(self, next_url: str, *, now: datetime) -> tuple[str, str]:
        """The provider URL to send the browser to, and the signed pending-login cookie."""
        meta = self.metadata()
        pending = Pending(
            state=_random(32),
            nonce=_random(32),
            verifier=_random(64),
            next=next_url,
            expires=int(now.timestamp()) + PENDING_SECONDS,
        )
        query = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": self.scopes,
            "state": pending.state,
            "nonce": pending.nonce,
            "code_challenge": _challenge(pending.verifier),
            "code_challenge_method": "S256",
        }
        return f"{meta['authorization_endpoint']}?{urlencode(query)}", self._seal(pending)

    def pending(self, cookie: str | None, state: str | None, *, now: datetime) -> Pending:
        """The pending login the cookie holds, if it is ours, fresh, and its state matches."""
        found = self._open(cookie) if cookie else None
        if found is None or found.expires < now.timestamp():
            raise Unauthorized("this sign-in expired or was started elsewhere; please try again")
        if not state or not hmac.compare_digest(state, found.state):
            raise Unauthorized("the identity provider's answer does not match this sign-in")
        return found

    # -- the answer ----------------------------------------------------------------------

    def finish(self, *, code: str, pending: Pending, groups_claim: str, now: datetime) -> Identity:
        """Exchange the code, check the ID token, and say who signed in."""
        meta = self.metadata()
        tokens = self._post(
            meta["token_endpoint"],
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": self.redirect_uri,
                "code_verifier": pending.verifier,
            },
        )
        id_token = tokens.get("id_token")
        if not isinstance(id_token, str):
            raise ProviderError("the identity provider sent no ID token")
        claims = self._verified(
            id_token, nonce=pending.nonce, issuer=str(meta["issuer"]), now=int(now.timestamp())
        )
        access_token = tokens.get("access_token")
        wanted = ("email", groups_claim)
        missing = any(name not in claims for name in wanted)
        if missing and meta.get("userinfo_endpoint") and isinstance(access_token, str):
            extra = self._userinfo(str(meta["userinfo_endpoint"]), access_token)
            if extra.get("sub") == claims["sub"]:
                claims = {**extra, **claims}
        groups = claims.get(groups_claim) or []
        return Identity(
            subject=str(claims["sub"]),
            email=claims.get("email"),
            email_verified=claims.get("email_verified"),
            name=claims.get("name"),
            username=claims.get("preferred_username"),
            groups=[groups] if isinstance(groups, str) else [str(g) for g in groups],
        )

    def _verified(self, id_token: str, *, nonce: str, issuer: str, now: int) -> dict[str, Any]:
        try:
            token = jwt.decode(id_token, self._keyset(), algorithms=list(ALGORITHMS))
        except (JoseError, ValueError):
            # A key rotated since we last looked: fetch the keys once more, then give up.
            self._keys = None
            try:
                token = jwt.decode(id_token, self._keyset(), algorithms=list(ALGORITHMS))
            except (JoseError, ValueError) as exc:
                raise ProviderError(f"the ID token's signature does not verify: {exc}") from exc
        registry = jwt.JWTClaimsRegistry(
            now=now,
            leeway=60,
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": self.client_id},
            sub={"essential": True},
            exp={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        try:
            registry.validate(token.claims)
        except JoseError as exc:
            raise ProviderError(f"the ID token is not for this sign-in: {exc}") from exc
        azp = token.claims.get("azp")
        if azp is not None and azp != self.client_id:
            raise ProviderError("the ID token was issued to another client")
        return dict(token.claims)

    # -- talking to the provider ---------------------------------------------------------

    def metadata(self) -> dict[str, Any]:
        if self._metadata is None or time.monotonic() - self._fetched > METADATA_SECONDS:
            meta = self._get(self.discovery_url)
            for name in ("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri"):
                if not isinstance(meta.get(name), str):
                    raise ProviderError(f"the provider's discovery document has no {name}")
            self._metadata, self._keys, self._fetched = meta, None, time.monotonic()
        return self._metadata

    def _keyset(self) -> KeySet:
        if self._keys is None:
            published: Any = self._get(str(self.metadata()["jwks_uri"]))
            self._keys = KeySet.import_key_set(published)
        return self._keys

    def _userinfo(self, url: str, access_token: str) -> dict[str, Any]:
        return self._request("GET", url, headers={"Authorization": f"Bearer {access_token}"})

    def _get(self, url: str) -> dict[str, Any]:
        return self._request("GET", url)

    def _post(self, url: str, form: dict[str, str]) -> dict[str, Any]:
        return self._request("POST", url, data=form, auth=(self.client_id, self.client_secret))

    def _request(self, method: str, url: str, **options: Any) -> dict[str, Any]:
        try:
            response = self._http.request(method, url, **options)
        except httpx2.RequestError as exc:
            raise ProviderError(f"cannot reach the identity provider: {exc}") from exc
        try:
            body = response.json()
        except ValueError:
            body = None
        if not response.is_success or not isinstance(body, dict):
            detail = body.get("error_description") or body.get("error") if body else None
            raise ProviderError(
                f"the identity provider answered {response.status_code}"
                + (f": {detail}" if detail else "")
            )
        return body

    # -- the pending-login cookie ----------------------------------------------------------

    def _seal(self, pending: Pending) -> str:
        payload = base64.urlsafe_b64encode(json.dumps(pending.__dict__).encode()).decode()
        return f"{payload}.{self._sign(payload)}"

    def _open(self, cookie: str) -> Pending | None:
        payload, _, signature = cookie.rpartition(".")
        if not payload or not hmac.compare_digest(signature, self._sign(payload)):
            return None
        try:
            return Pending(**json.loads(base64.urlsafe_b64decode(payload)))
        except (ValueError, TypeError):
            return None

    def _sign(self, payload: str) -> str:
        digest = hmac.new(self._key, payload.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def close(self) -> None:
        self._http.close()
