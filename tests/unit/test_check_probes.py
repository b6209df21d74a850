"""Each probe kind against a real peer on loopback: what passes, what fails and why."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.checkpeers import WebPeer, certificate, closed_port, dns_peer, tls_peer, web_peer
from watchkeeper.monitoring.checks.probes.base import Job, Outcome
from watchkeeper.monitoring.checks.probes.prober import Prober

NOW = datetime.now(UTC)
LOOPBACK = Prober(["127.0.0.0/8"])


def run(kind: str, target: str, *, internal: bool = True, **spec: Any) -> Outcome:
    job = Job(
        check_id=1,
        kind=kind,
        target=target,
        spec=spec,
        timeout=2.0,
        internal=internal,
        due_at=NOW,
        now=NOW,
    )
    return LOOPBACK.run(job)


@pytest.fixture
def web() -> Iterator[WebPeer]:
    with web_peer() as peer:
        yield peer


def test_http_passes_on_an_expected_status_and_reports_latency(web: WebPeer) -> None:
    outcome = run("http", web.url, expected_status=["2xx"])
    assert outcome.ok
    assert outcome.latency_ms is not None
    assert outcome.latency_ms > 0


def test_http_fails_on_an_unexpected_status_with_the_code(web: WebPeer) -> None:
    web.answers(503)
    assert run("http", web.url).error == "HTTP 503, expected 2xx"


def test_http_keyword_must_be_present_or_absent(web: WebPeer) -> None:
    web.answers(200, "status: degraded")
    assert run("http", web.url, keyword="healthy").error == ("the body does not contain 'healthy'")
    assert run("http", web.url, keyword="degraded", keyword_absent=True).error == (
        "the body contains 'degraded'"
    )


def test_http_json_path_compares_the_value(web: WebPeer) -> None:
    web.answers(200, '{"checks": [{"db": "down"}]}', "application/json")
    outcome = run("http", web.url, json_path="$.checks[0].db", json_expected="up")
    assert outcome.error == "$.checks[0].db is down, expected up"
    assert run("http", web.url, json_path="$.checks[0].db", json_expected="down").ok


def test_http_over_the_latency_threshold_fails(web: WebPeer) -> None:
    outcome = run("http", web.url, latency_threshold_ms=1)
    assert outcome.error is not None
    assert "over the 1 ms threshold" in outcome.error or outcome.ok  # loopback may be < 1 ms


def test_http_redirects_are_followed_only_when_asked(web: WebPeer) -> None:
    web.answers(302)
    web.answer.location = web.url.replace("/health", "/elsewhere")
    assert run("http", web.url, follow_redirects=False).error == "HTTP 302, expected 2xx"
    assert run("http", web.url, follow_redirects=False, expected_status=["3xx"]).ok


def test_a_check_not_made_by_an_admin_cannot_reach_loopback(web: WebPeer) -> None:
    outcome = run("http", web.url, internal=False)
    assert outcome.error is not None
    assert outcome.error.startswith("127.0.0.1 is not allowed: checks reach only public")
    assert web.hits == 0


def test_tcp_connects_and_port_tells_open_from_closed(web: WebPeer) -> None:
    port = int(web.url.split(":")[2].split("/")[0])
    assert run("tcp", f"127.0.0.1:{port}").ok
    assert run("tcp", f"127.0.0.1:{port}", send="GET / HTTP/1.0\r\n\r\n", expect="HTTP/1.0").ok
    shut = closed_port()
    assert run("tcp", f"127.0.0.1:{shut}").error == "connection refused"
    assert run("port", f"127.0.0.1:{shut}").error == f"port {shut} is closed (refused)"
    assert run("port", f"127.0.0.1:{shut}", expect_open=False).ok
    assert run("port", f"127.0.0.1:{port}", expect_open=False).error == (
        f"port {port} is open, expected closed"
    )


def test_tls_counts_days_left_and_checks_chain_and_name(tmp_path: Path) -> None:
    cert, key, pem = certificate(
        tmp_path,
        name="localhost",
        not_before=NOW - timedelta(days=1),
        not_after=NOW + timedelta(days=10, hours=1),
    )
    with tls_peer(cert, key) as port:
        target = f"127.0.0.1:{port}"
        good = run("tls", target, server_name="localhost", ca_pem=pem)
        assert good.ok
        assert good.days_left == 10
        untrusted = run("tls", target, server_name="localhost")
        assert untrusted.error == "certificate not valid: self-signed certificate"
        wrong_name = run("tls", target, server_name="other.test", ca_pem=pem)
        assert wrong_name.error is not None
        assert "Hostname mismatch" in wrong_name.error
        short = run("tls", target, server_name="localhost", ca_pem=pem, min_days_left=14)
        assert short.error is not None
        assert "expires in 10 days" in short.error


def test_dns_compares_the_answer_with_what_is_expected() -> None:
    records = {("www.example.test", "A"): ["192.0.2.10", "192.0.2.11"]}
    with dns_peer(records) as port:
        ask: dict[str, Any] = {
            "nameserver": "127.0.0.1",
            "nameserver_port": port,
            "record_type": "A",
        }
        assert run("dns", "www.example.test", expected=["192.0.2.11"], **ask).ok
        wrong = run("dns", "www.example.test", expected=["192.0.2.99"], **ask)
        assert wrong.error == ("expected 192.0.2.99 in the A answer, got 192.0.2.10, 192.0.2.11")
        assert run("dns", "nope.example.test", **ask).error == "NXDOMAIN for nope.example.test"
        guarded = run("dns", "www.example.test", internal=False, **ask)
        assert guarded.error is not None
        assert "is not allowed" in guarded.error
