"""What a probe is given and what it answers."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

# A body read for keyword or JSON assertions stops here: a check must not download a file.
MAX_BODY = 1024 * 1024


@dataclass(frozen=True)
class Job:
    """One run of one check, taken in a transaction that has committed since."""

    check_id: int
    kind: str
    target: str
    spec: dict[str, Any]
    timeout: float
    internal: bool
    due_at: datetime
    now: datetime  # when it was taken: TLS days are counted from here


@dataclass(frozen=True)
class Outcome:
    ok: bool
    latency_ms: float | None
    error: str | None = None
    days_left: int | None = None  # TLS: whole days until the certificate expires


def failed(error: str, started: float | None = None) -> Outcome:
    return Outcome(ok=False, latency_ms=elapsed_ms(started) if started else None, error=error)


def elapsed_ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 2)


def clip(text: str, limit: int = 300) -> str:
    """An error or a body excerpt short enough for a result row and an alert summary."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
