"""TCP connect (optionally send a line and expect a banner) and port open or closed."""

from __future__ import annotations

import socket
import time

from watchkeeper.monitoring.checks.probes.base import Job, Outcome, clip, elapsed_ms, failed
from watchkeeper.pipeline.notify.channels.sockets import OutboundRefused


def host_port(target: str) -> tuple[str, int]:
    host, _, port = target.rpartition(":")
    return host.strip("[]"), int(port)


def tcp(job: Job) -> Outcome:
    host, port = host_port(job.target)
    started = time.perf_counter()
    with socket.create_connection((host, port), timeout=job.timeout) as sock:
        send, expect = job.spec.get("send"), job.spec.get("expect")
        if send:
            sock.sendall(str(send).encode())
        if expect:
            answer = _receive(sock, str(expect).encode(), started, job.timeout)
            if str(expect).encode() not in answer:
                shown = clip(answer.decode("utf-8", "replace"), 100) or "nothing"
                return failed(f"expected {expect!r}, got {shown!r}", started)
    return Outcome(ok=True, latency_ms=elapsed_ms(started))


def _receive(sock: socket.socket, wanted: bytes, started: float, timeout: float) -> bytes:
    """Read until `wanted` shows up, the peer closes, 64 KiB came, or time runs out."""
    answer = b""
    while wanted not in answer and len(answer) < 65536:
        left = timeout - (time.perf_counter() - started)
        if left <= 0:
            break
        sock.settimeout(left)
        try:
            chunk = sock.recv(4096)
        except TimeoutError:
            break
        if not chunk:
            break
        answer += chunk
    return answer


def port(job: Job) -> Outcome:
    """Open or closed as expected; a port that does not answer at all counts as closed."""
    host, number = host_port(job.target)
    expect_open = bool(job.spec.get("expect_open", True))
    started = time.perf_counter()
    try:
        socket.create_connection((host, number), timeout=job.timeout).close()
    except (ConnectionRefusedError, TimeoutError) as exc:
        if isinstance(exc, OutboundRefused):
            raise
        if expect_open:
            reason = "refused" if isinstance(exc, ConnectionRefusedError) else "no answer"
            return failed(f"port {number} is closed ({reason})", started)
        return Outcome(ok=True, latency_ms=elapsed_ms(started))
    if not expect_open:
        return failed(f"port {number} is open, expected closed", started)
    return Outcome(ok=True, latency_ms=elapsed_ms(started))
