"""Which addresses outgoing notifications may reach: not loopback, private, link-local or
cloud metadata addresses (server-side request forgery), unless an admin allows their
network.

This is the rule; `sockets` applies it to every connection a channel opens while it sends,
so the address checked is the address connected to. A refusal names the host it was given,
never what a name resolved to: that would map the server's own network for whoever asks.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
METADATA = (ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254"))
HINT = (
    "notifications go only to public addresses; an admin can allow a network with "
    "WATCHKEEPER_OUTBOUND_ALLOW_CIDRS"
)
# IPv6 forms that stand for an IPv4 address: connecting to one reaches that address.
_SAME_AS_IPV4 = (
    ipaddress.ip_network("::ffff:0:0/96"),  # IPv4-mapped
    ipaddress.ip_network("::/96"),  # IPv4-compatible (deprecated, still routed by some)
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")  # RFC 8215: the site's own translators
_SIX_TO_FOUR = ipaddress.ip_network("2002::/16")


class Refused(Exception):
    """The destination is not allowed."""


def refusal(host: str) -> Refused:
    return Refused(f"{host} is not allowed: {HINT}")


class OutboundGuard:
    def __init__(self, allow: Sequence[str] = ()) -> None:
        self.allow: tuple[Network, ...] = tuple(
            ipaddress.ip_network(cidr, strict=False) for cidr in allow
        )

    def check_url(self, url: str) -> None:
        host = urlsplit(url).hostname
        if not host:
            raise Refused(f"no host in {url!r}")
        self.check_host(host)

    def check_host(self, host: str) -> None:
        """Refuse a host when any address it resolves to is refused."""
        try:
            infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        except socket.gaierror as exc:
            raise Refused(f"cannot resolve {host}: {exc.strerror}") from exc
        self.check_addresses(host, (str(info[4][0]) for info in infos))

    def check_addresses(self, host: str, addresses: Iterable[str]) -> None:
        for text in addresses:
            if not self.allows(text):
                raise refusal(host)

    def allows(self, text: str) -> bool:
        """Whether one literal address may be reached."""
        try:
            address = ipaddress.ip_address(text.partition("%")[0])  # drop an IPv6 zone
        except ValueError:
            return False
        return not self._forbidden(address)

    def _forbidden(self, address: Address) -> bool:
        if any(address in network for network in self.allow):
            return False
        if isinstance(address, ipaddress.IPv6Address):
            if any(address in network for network in _SAME_AS_IPV4):
                return self._forbidden(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
            if address in _LOCAL_NAT64:
                return True
            embedded = _embedded_ipv4(address)
            if embedded is not None and self._forbidden(embedded):
                return True
        return address in METADATA or not address.is_global


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address a NAT64 or 6to4 address leads to (Teredo is not global anyway)."""
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address in _SIX_TO_FOUR:
        return address.sixtofour
    return None
