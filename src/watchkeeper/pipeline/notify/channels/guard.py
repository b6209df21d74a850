"""Outgoing HTTP may not reach loopback, private, link-local or cloud metadata addresses
(server-side request forgery) unless an admin allows those networks.

The name is resolved here and every address it has is checked. A name that resolves
differently at connection time (DNS rebinding) is not caught; allow-listing is by
network, not by name.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Sequence
from urllib.parse import urlsplit

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
METADATA = (ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254"))


class Refused(Exception):
    """The destination is not allowed."""


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
        try:
            infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
        except socket.gaierror as exc:
            raise Refused(f"cannot resolve {host}: {exc.strerror}") from exc
        for info in infos:
            address = ipaddress.ip_address(info[4][0])
            if self._forbidden(address):
                raise Refused(
                    f"{host} resolves to {address}, a private or local address; an admin "
                    "can allow its network with WATCHKEEPER_OUTBOUND_ALLOW_CIDRS"
                )

    def _forbidden(self, address: Address) -> bool:
        if any(address in network for network in self.allow):
            return False
        return address in METADATA or not address.is_global
