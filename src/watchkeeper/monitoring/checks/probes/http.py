"""HTTP(S) probe: method, headers and body; status, keyword or JSON-path assertions and a
latency threshold. Each run opens a fresh connection, as a user's first visit would."""

from __future__ import annotations

import json
import ssl
import time

import httpx2

from watchkeeper.monitoring.checks import jsonpath
from watchkeeper.monitoring.checks.probes.base import MAX_BODY, Job, Outcome, clip, elapsed_ms
from watchkeeper.monitoring.checks.schemas import status_matches

USER_AGENT = "Watchkeeper-Check/1"


def probe(job: Job, *, verified: ssl.SSLContext, unverified: ssl.SSLContext) -> Outcome:
    spec = job.spec
    context = verified if spec.get("verify_tls", True) else unverified
    headers = {"user-agent": USER_AGENT, **spec.get("headers", {})}
    started = time.perf_counter()
    with httpx2.Client(
        verify=context, timeout=job.timeout, trust_env=False, max_redirects=10
    ) as client:
        request = client.build_request(
            spec.get("method", "GET"), job.target, headers=headers, content=spec.get("body")
        )
        response = client.send(
            request, stream=True, follow_redirects=spec.get("follow_redirects", True)
        )
        try:
            body = _read(response) if _needs_body(spec) else b""
        finally:
            response.close()
    latency = elapsed_ms(started)
    error = _judge(spec, response.status_code, body, latency)
    return Outcome(ok=error is None, latency_ms=latency, error=error)


def _needs_body(spec: dict[str, object]) -> bool:
    return spec.get("keyword") is not None or spec.get("json_path") is not None


def _read(response: httpx2.Response) -> bytes:
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        chunks.append(chunk)
        size += len(chunk)
        if size >= MAX_BODY:
            break
    return b"".join(chunks)[:MAX_BODY]


def _judge(spec: dict[str, object], status: int, body: bytes, latency: float) -> str | None:
    """What is wrong with the answer, or None when it passes every assertion."""
    expected = spec.get("expected_status") or ["2xx"]
    assert isinstance(expected, list)
    if not status_matches(expected, status):
        return f"HTTP {status}, expected {', '.join(expected)}"
    keyword = spec.get("keyword")
    if isinstance(keyword, str):
        present = keyword in body.decode("utf-8", "replace")
        if spec.get("keyword_absent") and present:
            return f"the body contains {keyword!r}"
        if not spec.get("keyword_absent") and not present:
            return f"the body does not contain {keyword!r}"
    path = spec.get("json_path")
    if isinstance(path, str):
        problem = _json_problem(path, spec.get("json_expected"), body)
        if problem:
            return problem
    threshold = spec.get("latency_threshold_ms")
    if isinstance(threshold, int) and latency > threshold:
        return f"took {latency:.0f} ms, over the {threshold} ms threshold"
    return None


def _json_problem(path: str, expected: object, body: bytes) -> str | None:
    try:
        document = json.loads(body)
    except ValueError:
        return "the body is not JSON"
    try:
        value = jsonpath.find(document, path)
    except KeyError:
        return f"{path} is not in the body"
    if expected is None:
        return None if value not in (None, False) else f"{path} is {jsonpath.as_text(value)}"
    found = jsonpath.as_text(value)
    if found != expected:
        return f"{path} is {clip(found, 100)}, expected {expected}"
    return None
