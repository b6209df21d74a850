"""Any service Apprise speaks (Slack, Teams, Discord, Telegram, ntfy, Pushover, Matrix,
Mattermost, SMS gateways, ...), addressed by an Apprise URL."""

from __future__ import annotations

from urllib.parse import urlsplit

import apprise

from watchkeeper.pipeline.notify.channels.base import Delivery, Outgoing
from watchkeeper.pipeline.notify.channels.guard import OutboundGuard, Refused

# Schemes whose URL names a host of the user's choosing (self-hosted servers, raw webhooks):
# those hosts are checked like our own webhooks. Other schemes reach their vendor's API.
SELF_HOSTED = {
    "json",
    "jsons",
    "xml",
    "xmls",
    "form",
    "forms",
    "ntfy",
    "ntfys",
    "gotify",
    "gotifys",
    "matrix",
    "matrixs",
    "mmost",
    "mmosts",
    "rocket",
    "rockets",
    "apprise",
    "apprises",
    "nctalk",
    "nctalks",
    "ncloud",
    "nclouds",
    "mastodon",
    "mastodons",
}


class AppriseChannel:
    def __init__(self, guard: OutboundGuard) -> None:
        self.guard = guard

    def send(self, address: str, message: Outgoing, *, secret: str | None = None) -> Delivery:
        scheme = urlsplit(address).scheme.lower()
        if scheme in SELF_HOSTED:
            try:
                self.guard.check_url(address)
            except Refused as exc:
                return Delivery(ok=False, retryable=False, detail=str(exc))
        sender = apprise.Apprise()
        if not sender.add(address):
            return Delivery(
                ok=False, retryable=False, detail="Apprise does not understand this URL"
            )
        if sender.notify(body=message.text, title=message.subject):
            return Delivery(ok=True, detail="sent through Apprise")
        # Apprise says only "it failed": try again a few times before giving up.
        return Delivery(ok=False, retryable=True, detail="the Apprise service refused or failed")

    def close(self) -> None:
        """Apprise is set up per message: nothing is kept."""


def understands(url: str) -> bool:
    """Whether Apprise knows how to send to this URL (no network involved)."""
    return apprise.Apprise.instantiate(url) is not None
