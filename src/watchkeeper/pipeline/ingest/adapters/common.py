"""Checks and conversions the adapters share: field paths, typed fields, times, severities.

Every check raises `PayloadError` with the dotted path of the offending field, so a
sender learns exactly what to fix. `check_json` runs first on every payload: it refuses
what no later stage could store (lone surrogates, NUL characters, NaN and infinities).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from watchkeeper.core.validation import phrase
from watchkeeper.pipeline.ingest.adapters import PayloadError
from watchkeeper.pipeline.ingest.events import MAX_LABELS, Link, Severity

Model = TypeVar("Model", bound=BaseModel)

ROOT = "body"
"""The field name of the payload as a whole."""

MAX_HREF = 2048
ELLIPSIS = "…"

SEVERITY_WORDS = {
    Severity.CRITICAL: "critical crit fatal emergency emerg alert disaster page p1 sev1",
    Severity.ERROR: "error err high major p2 sev2",
    Severity.WARNING: "warning warn medium moderate minor average ticket p3 sev3",
    Severity.INFO: "info informational notice low none ok debug p4 p5 sev4 sev5",
}
SEVERITY_ALIASES = {
    word: level for level, words in SEVERITY_WORDS.items() for word in words.split()
}


def at(parent: str, *parts: str | int) -> str:
    """The dotted path of a field below `parent`: `at("alerts", 0, "labels")`."""
    names = [str(part) for part in parts]
    if parent in ("", ROOT):
        return ".".join(names) or ROOT
    return ".".join([parent, *names])


def as_object(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PayloadError(field, f"must be a JSON object, not {json_type(value)}")
    return value


def as_list(value: Any, field: str) -> list[Any]:
    if not isinstance(value, list):
        raise PayloadError(field, f"must be a JSON array, not {json_type(value)}")
    return value


def text(value: Any, field: str, *, required: bool = False, max_length: int | None = None) -> str:
    """A string field; absent (missing or null) is "" unless `required`."""
    if value is None:
        if required:
            raise PayloadError(field, "is required")
        return ""
    if not isinstance(value, str):
        raise PayloadError(field, f"must be a string, not {json_type(value)}")
    if required and not value.strip():
        raise PayloadError(field, "must not be empty")
    if max_length is not None and len(value) > max_length:
        raise PayloadError(field, f"is {len(value)} characters long; the limit is {max_length}")
    return value


def string_map(value: Any, field: str, *, required: bool = False) -> dict[str, str]:
    """A flat object of strings such as labels or annotations; absent is {} unless required."""
    if value is None and not required:
        return {}
    if value is None:
        raise PayloadError(field, "is required")
    mapping = as_object(value, field)
    if len(mapping) > MAX_LABELS:
        raise PayloadError(field, f"has {len(mapping)} entries; the limit is {MAX_LABELS}")
    for key, item in mapping.items():
        if not key:
            raise PayloadError(field, "names must not be empty")
        if not isinstance(item, str):
            raise PayloadError(at(field, key), f"must be a string, not {json_type(item)}")
    return dict(mapping)


def timestamp(value: Any, field: str, *, naive_is_utc: bool = False) -> datetime | None:
    """An RFC 3339 time in UTC; absent, "" and Go's zero time are None.

    A time without an offset is refused unless `naive_is_utc`: its zone would be a guess.
    """
    raw = text(value, field)
    if not raw or raw.startswith("0001-01-01T00:00:00"):
        return None
    try:
        parsed = datetime.fromisoformat(raw)
    except ValueError:
        raise PayloadError(field, f"is not an RFC 3339 time: {shown(raw)}") from None
    if parsed.tzinfo is None and not naive_is_utc:
        raise PayloadError(field, "needs a time zone offset, such as Z or +02:00")
    try:
        return parsed.replace(tzinfo=parsed.tzinfo or UTC).astimezone(UTC)
    except OverflowError:
        raise PayloadError(field, f"is out of range: {shown(raw)}") from None


def severity(value: str | None) -> Severity:
    """Map a source's severity word onto ours; unknown or absent words are `error`."""
    if not value:
        return Severity.ERROR
    return SEVERITY_ALIASES.get(value.strip().lower(), Severity.ERROR)


def truncate(value: str, limit: int) -> str:
    """Shorten `value` to `limit` characters, marking the cut with an ellipsis."""
    if len(value) <= limit:
        return value
    return value[: limit - len(ELLIPSIS)] + ELLIPSIS


def links(pairs: Iterable[tuple[str, str]]) -> list[Link]:
    """Links from (href, text) pairs, skipping empty hrefs and hrefs too long to keep."""
    return [
        Link(href=href, text=truncate(label, 255))
        for href, label in pairs
        if href and len(href) <= MAX_HREF
    ]


def shown(value: Any) -> str:
    """A short quotation of a refused value for an error message."""
    return truncate(repr(value), 60)


def labels_summary(labels: dict[str, str]) -> str:
    return ", ".join(f"{name}={value}" for name, value in sorted(labels.items()))


def build(model: type[Model], field: str, **fields: Any) -> Model:
    """Construct an event; any constraint an adapter did not check becomes a PayloadError."""
    try:
        return model.model_validate(fields)
    except ValidationError as error:
        first = error.errors()[0]
        raise PayloadError(at(field, *first["loc"]), phrase(first)) from None


def check_json(payload: Any, field: str = ROOT) -> None:
    """Refuse strings that are not valid UTF-8 or hold NUL, and numbers that are not finite.

    Walks without recursion so that a deeply nested payload cannot exhaust the stack.
    """
    stack: list[tuple[str, Any]] = [(field, payload)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            _check_string(value, path)
        elif isinstance(value, float) and not math.isfinite(value):
            raise PayloadError(path, "must be a finite number")
        elif isinstance(value, dict):
            for key, item in value.items():
                _check_string(key, path)
                stack.append((at(path, key), item))
        elif isinstance(value, list):
            stack.extend((at(path, index), item) for index, item in enumerate(value))


def _check_string(value: str, field: str) -> None:
    if "\x00" in value:
        raise PayloadError(field, "must not contain NUL characters")
    try:
        value.encode()
    except UnicodeEncodeError:
        raise PayloadError(field, "is not valid Unicode (lone surrogate)") from None


def json_type(value: Any) -> str:
    """The JSON name of a decoded value's type, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__
