"""Any service Apprise speaks (Slack, Teams, Discord, Telegram, ntfy, Pushover, Matrix,
Mattermost, SMS gateways, ...), addressed by an Apprise URL.

Which host an Apprise URL reaches depends on its plugin: a vendor's API for `slack://`,
the user's own server for `json://`, `ntfy://host/...`, `hassio://`... So the outbound
guard is applied where the connection is made: HTTP connections that Apprise opens
(through urllib3) while sending for us are checked address by address, whatever the
scheme. Plugins that speak other protocols to a host of the user's choosing (SMTP,
syslog, MQTT) have that host checked before sending.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from watchkeeper.pipeline.notify.channels.base import Delivery, Outgoing
from watchkeeper.pipeline.notify.channels.guard import OutboundGuard, Refused

# Non-HTTP plugins and the attribute that names the host they connect to.
_OTHER_PROTOCOL_HOSTS = {
    "mailto": "smtp_host",
    "mailtos": "smtp_host",
    "rsyslog": "host",
    "mqtt": "host",
    "mqtts": "host",
}


@dataclass
class _Sending:
    """The guard of one send, and what it refused (Apprise's worker threads see it
    because Apprise runs them in a copy of the caller's context)."""

    guard: OutboundGuard
    refused: str | None = None


_sending: ContextVar[_Sending | None] = ContextVar("watchkeeper_apprise_send", default=None)


def _install_guard() -> None:
    """Route urllib3's connections through the guard of the send in progress (once)."""
    import urllib3.util.connection as connection

    if getattr(connection.create_connection, "watchkeeper_guarded", False):
        return
    create = connection.create_connection

    def guarded(address: tuple[str, int], *args: Any, **kwargs: Any) -> Any:
        sending = _sending.get()
        if sending is not None:
            try:
                sending.guard.check_host(address[0])
            except Refused as exc:
                sending.refused = str(exc)
                raise ConnectionRefusedError(str(exc)) from exc
        return create(address, *args, **kwargs)

    guarded.watchkeeper_guarded = True  # type: ignore[attr-defined]
    connection.create_connection = guarded


class AppriseChannel:
    """Apprise (with its plugins, slow to load) is imported on first use, not at start."""

    def __init__(self, guard: OutboundGuard) -> None:
        self.guard = guard
        _install_guard()

    def send(self, address: str, message: Outgoing, *, secret: str | None = None) -> Delivery:
        import apprise

        sender = apprise.Apprise()
        if not sender.add(address):
            return Delivery(
                ok=False, retryable=False, detail="Apprise does not understand this URL"
            )
        try:
            self._check_other_protocol(address)
        except Refused as exc:
            return Delivery(ok=False, retryable=False, detail=str(exc))
        sending = _Sending(self.guard)
        token = _sending.set(sending)
        try:
            sent = sender.notify(body=message.text, title=message.subject)
        finally:
            _sending.reset(token)
        if sending.refused:
            return Delivery(ok=False, retryable=False, detail=sending.refused)
        if sent:
            return Delivery(ok=True, detail="sent through Apprise")
        # Apprise says only "it failed": try again a few times before giving up.
        return Delivery(ok=False, retryable=True, detail="the Apprise service refused or failed")

    def _check_other_protocol(self, address: str) -> None:
        import apprise

        plugin = apprise.Apprise.instantiate(address)
        attribute = _OTHER_PROTOCOL_HOSTS.get(address.split(":", 1)[0].lower())
        host = getattr(plugin, attribute, None) if attribute else None
        if isinstance(host, str) and host:
            self.guard.check_host(host)

    def close(self) -> None:
        """Apprise is set up per message: nothing is kept."""


def understands(url: str) -> bool:
    """Whether Apprise knows how to send to this URL (no network involved)."""
    import apprise

    return apprise.Apprise.instantiate(url) is not None
