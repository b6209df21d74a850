"""DNS probe: a record type looked up, through a given name server or the system's, and
the answer compared with what is expected (order and case do not matter)."""

from __future__ import annotations

import time

import dns.exception
import dns.flags
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype
import dns.resolver

from watchkeeper.monitoring.checks.probes.base import Job, Outcome, clip, elapsed_ms, failed


def normal(value: str) -> str:
    """`Example.COM.` and `"v=spf1"` as `example.com` and `v=spf1`."""
    return value.strip().strip('"').rstrip(".").lower()


def probe(job: Job) -> Outcome:
    spec = job.spec
    rdtype = dns.rdatatype.from_text(str(spec.get("record_type", "A")))
    started = time.perf_counter()
    server = spec.get("nameserver")
    try:
        if server:
            answers = _ask(
                job.target, rdtype, str(server), int(spec.get("nameserver_port", 53)), job
            )
        else:
            answers = _system(job.target, rdtype, job.timeout)
    except dns.exception.Timeout:
        return failed(f"no answer within {job.timeout:g} s", started)
    except _Rcode as exc:
        return failed(str(exc), started)
    latency = elapsed_ms(started)
    record = dns.rdatatype.to_text(rdtype)
    if not answers:
        return failed(f"no {record} record for {job.target}", started)
    expected = {normal(value) for value in spec.get("expected", [])}
    missing = expected - answers
    if missing:
        got = ", ".join(sorted(answers))
        return Outcome(
            ok=False,
            latency_ms=latency,
            error=clip(f"expected {', '.join(sorted(missing))} in the {record} answer, got {got}"),
        )
    return Outcome(ok=True, latency_ms=latency)


class _Rcode(Exception):
    """The server answered with an error code (NXDOMAIN, SERVFAIL...)."""


def _ask(name: str, rdtype: dns.rdatatype.RdataType, server: str, port: int, job: Job) -> set[str]:
    query = dns.message.make_query(name, rdtype)
    response = dns.query.udp(query, server, port=port, timeout=job.timeout)
    if response.flags & dns.flags.TC:
        response = dns.query.tcp(query, server, port=port, timeout=job.timeout)
    if response.rcode() != dns.rcode.NOERROR:
        raise _Rcode(f"{dns.rcode.to_text(response.rcode())} for {name}")
    return {
        normal(item.to_text())
        for rrset in response.answer
        if rrset.rdtype == rdtype
        for item in rrset
    }


def _system(name: str, rdtype: dns.rdatatype.RdataType, timeout: float) -> set[str]:
    try:
        answer = dns.resolver.resolve(name, rdtype, lifetime=timeout, raise_on_no_answer=False)
    except dns.resolver.NXDOMAIN:
        raise _Rcode(f"NXDOMAIN for {name}") from None
    except dns.resolver.NoNameservers as exc:
        raise _Rcode(clip(str(exc), 200)) from None
    return {normal(item.to_text()) for item in answer}
