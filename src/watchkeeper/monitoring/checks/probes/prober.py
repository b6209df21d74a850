"""Runs one probe under the outbound guard and turns whatever it raised into an outcome
a person can read. Built once (by `wiring`) with the checks' own allow-list."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Sequence
from urllib.parse import urlsplit

import httpx2

from watchkeeper.monitoring.checks.probes import dns, http, sockets, tls
from watchkeeper.monitoring.checks.probes.base import Job, Outcome, clip, failed
from watchkeeper.pipeline.notify.channels.guard import OutboundGuard, Refused
from watchkeeper.pipeline.notify.channels.sockets import install, watching

CHECKS_HINT = (
    "checks reach only public addresses; an admin can allow a network with "
    "WATCHKEEPER_CHECKS_ALLOW_CIDRS and then create checks that reach it"
)


def refused(host: str) -> str:
    return f"{host} is not allowed: {CHECKS_HINT}"


def host_of(kind: str, target: str) -> str:
    if kind == "http":
        return urlsplit(target).hostname or target
    if kind == "dns":
        return target
    return sockets.host_port(target)[0]


class Prober:
    """`run(job)`: the probe of the job's kind, every connection checked where it is made.

    Checks made by an admin (`internal`) may reach the allow-listed networks; the others
    only public addresses. A DNS check without its own name server asks the system's
    resolver, which the admin configured, so that query is not guarded.
    """

    def __init__(self, allow: Sequence[str] = ()) -> None:
        install()
        self.public = OutboundGuard(())
        self.internal = OutboundGuard(allow)
        self.verified = ssl.create_default_context()
        self.unverified = ssl.create_default_context()
        self.unverified.check_hostname = False
        self.unverified.verify_mode = ssl.CERT_NONE

    def guard(self, internal: bool) -> OutboundGuard:
        return self.internal if internal else self.public

    def run(self, job: Job) -> Outcome:
        if job.kind == "dns" and not job.spec.get("nameserver"):
            return self._safely(job)
        with watching(self.guard(job.internal)) as watch:
            outcome = self._safely(job)
        if watch.refused:
            return failed(refused(host_of(job.kind, job.target)))
        return outcome

    def _safely(self, job: Job) -> Outcome:
        try:
            return self._probe(job)
        except Exception as exc:  # a probe's failure is the check's result, never a crash
            return failed(describe(exc, job.timeout))

    def _probe(self, job: Job) -> Outcome:
        if job.kind == "http":
            return http.probe(job, verified=self.verified, unverified=self.unverified)
        if job.kind == "tls":
            return tls.probe(job, system=self.verified)
        if job.kind == "dns":
            return dns.probe(job)
        if job.kind == "tcp":
            return sockets.tcp(job)
        return sockets.port(job)


def describe(exc: BaseException, timeout: float) -> str:
    """One line for a result and an alert: what went wrong, without a traceback."""
    if isinstance(exc, httpx2.TimeoutException | TimeoutError | socket.timeout):
        return f"timed out after {timeout:g} s"
    if isinstance(exc, httpx2.TooManyRedirects):
        return "too many redirects"
    if isinstance(exc, Refused):
        return str(exc)
    cause = exc.__cause__ or exc.__context__ or exc
    if isinstance(cause, socket.gaierror) or "Name or service not known" in str(exc):
        return "cannot resolve the host name"
    if isinstance(cause, ssl.SSLCertVerificationError):
        return f"certificate not valid: {cause.verify_message}"
    if isinstance(cause, ssl.SSLError):
        return clip(f"TLS error: {cause.reason or cause}")
    if isinstance(cause, ConnectionRefusedError):
        return "connection refused"
    if isinstance(cause, OSError) and cause.strerror:
        return clip(f"cannot connect: {cause.strerror}")
    return clip(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__)
