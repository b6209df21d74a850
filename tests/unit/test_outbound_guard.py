"""The outbound guard: which addresses notifications may reach (the socket-level check of
each connection is in test_outbound_sockets.py)."""

from __future__ import annotations

import pytest

from watchkeeper.pipeline.notify.channels.guard import OutboundGuard, Refused

# -- which addresses ----------------------------------------------------------------------

REFUSED_HOSTS = [
    ("127.0.0.1", "127.0.0.1/32"),
    ("::1", "::1/128"),
    ("10.1.2.3", "10.0.0.0/8"),
    ("192.168.1.1", "192.168.0.0/16"),
    ("172.16.0.1", "172.16.0.0/12"),
    ("169.254.169.254", "169.254.169.254/32"),  # cloud metadata
    ("fd00:ec2::254", "fd00:ec2::/32"),  # cloud metadata (IPv6)
    ("100.64.0.1", "100.64.0.0/10"),  # carrier-grade NAT
    ("0.0.0.0", "0.0.0.0/32"),
    ("::ffff:127.0.0.1", "::ffff:0:0/96"),  # IPv4-mapped loopback
    ("2130706433", "127.0.0.1/32"),  # 127.0.0.1 as one decimal number
    ("0x7f000001", "127.0.0.1/32"),
    ("127.1", "127.0.0.1/32"),
]


@pytest.mark.parametrize(("host", "network"), REFUSED_HOSTS)
def test_the_guard_refuses_local_private_and_metadata_addresses_unless_allowed(
    host: str, network: str
) -> None:
    with pytest.raises(Refused, match="WATCHKEEPER_OUTBOUND_ALLOW_CIDRS"):
        OutboundGuard().check_host(host)
    OutboundGuard([network]).check_host(host)


# IPv6 addresses that carry an IPv4 address and reach it (or its network) when connected.
EMBEDDED_IPV4 = [
    ("::127.0.0.1", "127.0.0.1/32"),  # IPv4-compatible
    ("::ffff:127.0.0.1", "127.0.0.1/32"),  # IPv4-mapped
    ("64:ff9b::7f00:1", "127.0.0.1/32"),  # NAT64 (RFC 6052)
    ("64:ff9b::a9fe:a9fe", "169.254.169.254/32"),  # NAT64 to the metadata address
    ("2002:7f00:1::", "127.0.0.1/32"),  # 6to4
    ("2002:a00:1::1", "10.0.0.0/8"),  # 6to4 of a private address
]


@pytest.mark.parametrize(("host", "network"), EMBEDDED_IPV4)
def test_ipv6_forms_of_a_local_ipv4_address_are_refused_like_it(host: str, network: str) -> None:
    with pytest.raises(Refused, match="not allowed"):
        OutboundGuard().check_host(host)
    OutboundGuard([network]).check_host(host)  # allowing the IPv4 network allows its forms


@pytest.mark.parametrize("host", ["64:ff9b::5db8:d822", "2002:5db8:d822::1"])
def test_ipv6_forms_of_a_public_ipv4_address_pass(host: str) -> None:
    OutboundGuard().check_host(host)  # 93.184.216.34 behind NAT64 and 6to4


def test_the_local_use_nat64_prefix_is_refused() -> None:
    with pytest.raises(Refused):
        OutboundGuard().check_host("64:ff9b:1::5db8:d822")


def test_a_refusal_says_not_allowed_without_telling_what_a_name_resolves_to() -> None:
    with pytest.raises(Refused) as refused:
        OutboundGuard().check_url("http://localhost:8080/hook")
    message = str(refused.value)
    assert message.startswith("localhost is not allowed")
    assert "127.0.0.1" not in message
    assert "::1" not in message
    OutboundGuard(["127.0.0.0/8", "::1/128"]).check_url("http://localhost:8080/hook")


def test_an_allow_list_for_another_network_does_not_open_loopback() -> None:
    with pytest.raises(Refused):
        OutboundGuard(["10.0.0.0/8"]).check_url("http://127.0.0.1/hook")


def test_a_name_that_does_not_resolve_is_refused() -> None:
    with pytest.raises(Refused, match="cannot resolve"):
        OutboundGuard().check_url("https://watchkeeper-nowhere.invalid/hook")


def test_a_url_without_a_host_is_refused() -> None:
    with pytest.raises(Refused, match="no host"):
        OutboundGuard().check_url("https:///hook")


@pytest.mark.parametrize(
    "url",
    [
        "https://93.184.216.34/hook",
        "http://93.184.216.34:8080/x?y=1",
        "https://[2606:4700:4700::1111]/hook",
    ],
)
def test_public_addresses_pass(url: str) -> None:
    OutboundGuard().check_url(url)  # literals: getaddrinfo needs no DNS


def test_urls_are_checked_by_their_host_only() -> None:
    with pytest.raises(Refused):
        OutboundGuard().check_url("https://user:pass@127.0.0.1:443/93.184.216.34")
    OutboundGuard().check_url("https://user:pass@93.184.216.34/127.0.0.1")
