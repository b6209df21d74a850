"""Signed JSON webhooks, Standard Webhooks style (`webhook-id`, `webhook-timestamp`,
`webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`).

The outbound guard checks the connection itself (`sockets`), not the name beforehand: a
name resolved twice could answer differently the second time."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from urllib.parse import urlsplit

import httpx2

from watchkeeper.pipeline.notify.channels.addresses import unusable
from watchkeeper.pipeline.notify.channels.base import Delivery, Outgoing
from watchkeeper.pipeline.notify.channels.guard import OutboundGuard, refusal
from watchkeeper.pipeline.notify.channels.sockets import install, watching

TIMEOUT = httpx2.Timeout(10.0, connect=5.0)
SECRET_PREFIX = "whsec_"


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def new_secret() -> str:
    import secrets

    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


class WebhookChannel:
    def __init__(self, guard: OutboundGuard, *, timeout: httpx2.Timeout = TIMEOUT) -> None:
        self.guard = guard
        install()
        # One client for all sends (thread-safe): making one costs milliseconds of TLS set-up.
        self._client = httpx2.Client(timeout=timeout, follow_redirects=False)

    def send(self, address: str, message: Outgoing, *, secret: str | None = None) -> Delivery:
        reason = unusable("webhook", address)
        if reason:
            return Delivery(ok=False, retryable=False, detail=f"not sent: {reason}")
        body = json.dumps(message.payload, separators=(",", ":")).encode()
        timestamp = int(time.time())
        headers = {
            "content-type": "application/json",
            "webhook-id": message.message_id,
            "webhook-timestamp": str(timestamp),
        }
        if secret:
            headers["webhook-signature"] = sign(secret, message.message_id, timestamp, body)
        with watching(self.guard) as watch:
            try:
                response = self._client.post(address, content=body, headers=headers)
            except httpx2.TimeoutException as exc:
                return Delivery(ok=False, retryable=True, detail=f"timed out: {exc}")
            except httpx2.HTTPError as exc:
                if watch.refused:
                    host = urlsplit(address).hostname or address
                    return Delivery(ok=False, retryable=False, detail=f"not sent: {refusal(host)}")
                return Delivery(ok=False, retryable=True, detail=f"{type(exc).__name__}: {exc}")
        if response.is_success:
            return Delivery(ok=True, detail=f"HTTP {response.status_code}")
        retryable = response.status_code == 429 or response.status_code >= 500
        detail = f"HTTP {response.status_code}"
        if response.is_redirect:
            detail += " (redirects are not followed)"
        return Delivery(ok=False, retryable=retryable, detail=detail)

    def close(self) -> None:
        self._client.close()
