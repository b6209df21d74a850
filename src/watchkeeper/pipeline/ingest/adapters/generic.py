"""Watchkeeper's own JSON event: one event object, or an array of up to 100 of them.

The fields are those of the normalized event. `action` defaults to "trigger", and a
trigger needs a `summary`. Unknown fields are refused, so a misspelt field is an error
rather than silently lost. `docs/event-schema.json` is `event_schema_json()`; regenerate
it with `python -m watchkeeper.pipeline.ingest.adapters.generic > docs/event-schema.json`.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
)

from watchkeeper.core.validation import phrase
from watchkeeper.pipeline.ingest.adapters import PayloadError
from watchkeeper.pipeline.ingest.adapters.common import (
    ROOT,
    as_object,
    at,
    build,
    check_json,
    shown,
)
from watchkeeper.pipeline.ingest.events import (
    MAX_DEDUP_KEY,
    MAX_FIELD,
    MAX_LABELS,
    MAX_SUMMARY,
    Action,
    Link,
    NormalizedEvent,
    Severity,
)

MAX_EVENTS = 100
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _parse_time(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError("must be an RFC 3339 time string, such as 2026-01-15T08:30:00Z")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"is not an RFC 3339 time: {shown(value)}") from None


def _in_utc(value: datetime) -> datetime:
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("is out of the range of representable times") from None


Timestamp = Annotated[AwareDatetime, BeforeValidator(_parse_time), AfterValidator(_in_utc)]
LabelName = Annotated[str, Field(min_length=1)]


class GenericEvent(BaseModel):
    """One problem signal: trigger, acknowledge or resolve an alert."""

    model_config = ConfigDict(
        extra="forbid",
        title="Watchkeeper event",
        # A trigger (the default action) needs a summary that is not blank.
        json_schema_extra={
            "if": {"properties": {"action": {"const": "trigger"}}},
            "then": {"required": ["summary"], "properties": {"summary": {"pattern": "\\S"}}},
        },
    )

    action: Action = Field(
        default=Action.TRIGGER, description="What to do with the alert this event names."
    )
    dedup_key: Annotated[str, Field(min_length=1, max_length=MAX_DEDUP_KEY)] | None = Field(
        default=None,
        description="Events with the same key are the same alert. "
        "Without one, the alert is identified by its labels.",
    )
    summary: str = Field(
        default="",
        max_length=MAX_SUMMARY,
        description="One line that says what is wrong; required for a trigger.",
    )
    severity: Severity = Field(default=Severity.ERROR, description="How bad it is.")
    source: str = Field(
        default="", max_length=MAX_FIELD, description="The affected system, e.g. a host name."
    )
    labels: dict[LabelName, str] = Field(
        default_factory=dict,
        max_length=MAX_LABELS,
        description="Flat string pairs that routing rules, silences and grouping match on.",
    )
    details: dict[str, Any] = Field(default_factory=dict, description="Free-form context.")
    links: list[Link] = Field(default_factory=list, description="Where to look next.")
    occurred_at: Timestamp | None = Field(
        default=None, description="When the source saw it (RFC 3339, with an offset)."
    )


def parse(payload: Any, now: datetime) -> list[NormalizedEvent]:
    """Read one event object or an array of them."""
    check_json(payload)
    if not isinstance(payload, list):
        return [_event(payload, ROOT)]
    if not payload:
        raise PayloadError(ROOT, "is an empty array; send at least one event")
    if len(payload) > MAX_EVENTS:
        raise PayloadError(ROOT, f"holds {len(payload)} events; the limit is {MAX_EVENTS}")
    return [_event(item, str(index)) for index, item in enumerate(payload)]


def _event(value: Any, field: str) -> NormalizedEvent:
    try:
        event = GenericEvent.model_validate(as_object(value, field))
    except ValidationError as error:
        first = error.errors()[0]
        raise PayloadError(at(field, *first["loc"]), phrase(first)) from None
    if event.action is Action.TRIGGER and not event.summary.strip():
        raise PayloadError(at(field, "summary"), "is required for a trigger")
    return build(NormalizedEvent, field, **event.model_dump())


def event_schema() -> dict[str, Any]:
    """The JSON Schema of one generic event."""
    return {"$schema": SCHEMA_DIALECT, **GenericEvent.model_json_schema()}


def event_schema_json() -> str:
    """`event_schema()` as the text of docs/event-schema.json."""
    return json.dumps(event_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(event_schema_json())
