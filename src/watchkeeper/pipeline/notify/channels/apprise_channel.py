"""Any service Apprise speaks that we have reviewed (Slack, Teams, Discord, Telegram, ntfy,
Pushover, Matrix, Mattermost, SMS gateways, ...), addressed by an Apprise URL.

Which host an Apprise URL reaches depends on its plugin: a vendor's API for `slack://`,
the user's own server for `json://`, `ntfy://host/...`, the SMTP server of `mailto://`...
So the outbound guard is applied where each connection is made (`sockets`), whatever the
scheme; the address rules (`addresses`) keep out the plugins that check could not cover.
"""

from __future__ import annotations

from watchkeeper.pipeline.notify.channels.addresses import UNKNOWN, unusable
from watchkeeper.pipeline.notify.channels.base import Delivery, Outgoing
from watchkeeper.pipeline.notify.channels.guard import HINT, OutboundGuard
from watchkeeper.pipeline.notify.channels.sockets import install, watching

REFUSED = f"not sent: a connection it needs is not allowed ({HINT})"


class AppriseChannel:
    """Apprise (with its plugins, slow to load) is imported on first use, not at start."""

    def __init__(self, guard: OutboundGuard) -> None:
        self.guard = guard
        install()

    def send(self, address: str, message: Outgoing, *, secret: str | None = None) -> Delivery:
        import apprise

        reason = unusable("apprise", address)
        if reason:
            return Delivery(ok=False, retryable=False, detail=f"not sent: {reason}")
        sender = apprise.Apprise()
        if not sender.add(address):
            return Delivery(ok=False, retryable=False, detail=f"not sent: {UNKNOWN}")
        with watching(self.guard) as watch:
            sent = sender.notify(body=message.text, title=message.subject)
        if watch.refused:
            return Delivery(ok=False, retryable=False, detail=REFUSED)
        if sent:
            return Delivery(ok=True, detail="sent through Apprise")
        # Apprise says only "it failed": try again a few times before giving up.
        return Delivery(ok=False, retryable=True, detail="the Apprise service refused or failed")

    def close(self) -> None:
        """Apprise is set up per message: nothing is kept."""


def understands(url: str) -> bool:
    """Whether Apprise knows how to send to this URL (no network involved)."""
    import apprise

    return apprise.Apprise.instantiate(url) is not None
