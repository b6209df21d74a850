"""TLS certificate probe: the chain is valid, the name matches, and how many days are left."""

from __future__ import annotations

import socket
import ssl
import time
from datetime import UTC, datetime

from watchkeeper.monitoring.checks.probes.base import Job, Outcome, elapsed_ms, failed
from watchkeeper.monitoring.checks.probes.sockets import host_port


def probe(job: Job, *, system: ssl.SSLContext) -> Outcome:
    host, port = host_port(job.target)
    name = str(job.spec.get("server_name") or host)
    ca = job.spec.get("ca_pem")
    context = ssl.create_default_context(cadata=str(ca)) if ca else system
    started = time.perf_counter()
    with socket.create_connection((host, port), timeout=job.timeout) as raw:
        try:
            with context.wrap_socket(raw, server_hostname=name) as sock:
                certificate = sock.getpeercert()
        except ssl.SSLCertVerificationError as exc:
            return failed(f"certificate not valid: {exc.verify_message}", started)
    latency = elapsed_ms(started)
    not_after = (certificate or {}).get("notAfter")
    if not isinstance(not_after, str):
        return failed("the server sent no certificate", started)
    expires = datetime.fromtimestamp(ssl.cert_time_to_seconds(not_after), UTC)
    days = (expires - job.now).days
    least = int(job.spec.get("min_days_left", 0))
    if days < least:
        return Outcome(
            ok=False,
            latency_ms=latency,
            error=f"the certificate expires in {days} days ({expires:%Y-%m-%d}), "
            f"fewer than {least}",
            days_left=days,
        )
    return Outcome(ok=True, latency_ms=latency, days_left=days)
