"""One module per inbound format; each turns a parsed JSON payload into normalized events.

An adapter is pure: `parse(payload, now)` takes the decoded JSON (any type) and the
time of receipt, returns a list of `NormalizedEvent`, and raises `PayloadError` naming
the offending field when the payload is not what the format promises.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from watchkeeper.pipeline.ingest.events import NormalizedEvent

Parse = Callable[[Any, datetime], list[NormalizedEvent]]


class PayloadError(ValueError):
    """The payload does not fit the format; `field` is a dotted path such as `alerts.0.labels`."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
