"""The load generator of bench/ingest.py: raw HTTP/1.1 over asyncio, keep-alive, N connections.

Each connection sends one request at a time and waits for its answer (closed loop), so
latency is the time from the first byte sent to the last byte of the answer. The client
is minimal on purpose: on a small machine the generator shares the cores with the server
under test, and a full HTTP client would spend more of them than the servers do.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field


@dataclass
class LoadResult:
    """What one timed run did: answers by status, latencies of expected answers (s)."""

    seconds: float = 0.0
    alerts: int = 0
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)

    @property
    def alerts_per_second(self) -> float:
        return self.alerts / self.seconds if self.seconds else 0.0

    def percentile(self, fraction: float) -> float:
        """The latency below which `fraction` of the expected answers came, in seconds."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


class HttpConnection:
    """One keep-alive HTTP/1.1 connection that POSTs JSON and reads the answer."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        if self.writer is None or self.reader is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        self.writer.write(head + body)
        status, headers = await self._head(self.reader)
        content = await self._body(self.reader, headers)
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, content

    async def _head(self, reader: asyncio.StreamReader) -> tuple[int, dict[str, str]]:
        raw = await reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        return status, headers

    async def _body(self, reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
        if "content-length" in headers:
            return await reader.readexactly(int(headers["content-length"]))
        if headers.get("transfer-encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                chunk = await reader.readexactly(size + 2)
                if size == 0:
                    return b"".join(chunks)
                chunks.append(chunk[:-2])
        return b""

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with suppress(ConnectionError, OSError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


async def _worker(
    connection: HttpConnection,
    path: str,
    make_body: Callable[[], tuple[bytes, int] | None],
    expected: int,
    deadline: float,
    result: LoadResult,
) -> None:
    try:
        while time.perf_counter() < deadline:
            request = make_body()
            if request is None:
                return
            body, alerts = request
            started = time.perf_counter()
            try:
                status, _ = await connection.post(path, body)
            except (ConnectionError, OSError, asyncio.IncompleteReadError) as exc:
                result.statuses[type(exc).__name__] += 1
                await connection.close()
                continue
            elapsed = time.perf_counter() - started
            result.statuses[str(status)] += 1
            if status == expected:
                result.latencies.append(elapsed)
                result.alerts += alerts
    finally:
        await connection.close()


async def run_load(
    host: str,
    port: int,
    path: str,
    make_body: Callable[[], tuple[bytes, int] | None],
    *,
    expected: int,
    connections: int,
    seconds: float | None = None,
) -> LoadResult:
    """Keep `connections` requests in flight for `seconds` (or until `make_body` returns
    None); `make_body` gives each request's body and how many alerts it holds. Only
    answers with status `expected` count."""
    result = LoadResult()
    started = time.perf_counter()
    deadline = started + seconds if seconds is not None else float("inf")
    await asyncio.gather(
        *(
            _worker(HttpConnection(host, port), path, make_body, expected, deadline, result)
            for _ in range(connections)
        )
    )
    result.seconds = time.perf_counter() - started
    return result
