"""The normalized event: what every inbound format is turned into before it is stored.

Field lengths follow PagerDuty's Events API v2 limits, so a payload PagerDuty accepts
is accepted here too.
"""

from __future__ import annotations

import enum
import hashlib
import json
from datetime import datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from watchkeeper.core.urls import is_safe_link

MAX_SUMMARY = 1024
MAX_DEDUP_KEY = 255
MAX_FIELD = 255
MAX_LABELS = 64


class Action(enum.StrEnum):
    TRIGGER = "trigger"
    ACKNOWLEDGE = "acknowledge"
    RESOLVE = "resolve"


class Severity(enum.StrEnum):
    CRITICAL = "critical"
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Link(BaseModel):
    href: Annotated[str, Field(max_length=2048)]
    text: Annotated[str, Field(max_length=MAX_FIELD)] = ""


def _only_safe(links: list[Link]) -> list[Link]:
    """Drop links that are not http, https or mailto: the event itself is kept, since a
    monitoring tool must not lose an alert over a link (docs/events.md)."""
    return [link for link in links if is_safe_link(link.href)]


SafeLinks = Annotated[list[Link], AfterValidator(_only_safe)]


class NormalizedEvent(BaseModel):
    """One problem signal from one source: trigger, acknowledge or resolve.

    `labels` are flat strings and are what routing rules, silences, inhibition and
    grouping match on; adapters copy the source's own labels there and add `alertname`,
    `severity`, `source`, `component`, `group` and `class` when the source has them.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    action: Action
    dedup_key: Annotated[str, Field(min_length=1, max_length=MAX_DEDUP_KEY)] | None = Field(
        default=None, description="Same key, same alert. None: derived from the labels."
    )
    summary: Annotated[str, Field(max_length=MAX_SUMMARY)] = ""
    severity: Severity = Severity.ERROR
    source: Annotated[str, Field(max_length=MAX_FIELD)] = ""
    labels: dict[str, str] = Field(default_factory=dict)
    details: dict[str, Any] = Field(default_factory=dict, description="Free-form context.")
    links: SafeLinks = Field(default_factory=list)
    occurred_at: datetime | None = Field(default=None, description="When the source saw it.")

    def fingerprint(self) -> str:
        """The dedup key, or a stable hash of the labels when the source gave none."""
        if self.dedup_key:
            return self.dedup_key
        return labels_fingerprint(self.labels)


def labels_fingerprint(labels: dict[str, str]) -> str:
    canonical = json.dumps(sorted(labels.items()), separators=(",", ":"), ensure_ascii=False)
    return "lbl:" + hashlib.sha256(canonical.encode()).hexdigest()[:32]


class ChangeEvent(BaseModel):
    """A deploy or configuration change on a service, shown beside its incidents."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    summary: Annotated[str, Field(min_length=1, max_length=MAX_SUMMARY)]
    source: Annotated[str, Field(max_length=MAX_FIELD)] = ""
    occurred_at: datetime | None = None
    details: dict[str, Any] = Field(default_factory=dict)
    links: SafeLinks = Field(default_factory=list)
