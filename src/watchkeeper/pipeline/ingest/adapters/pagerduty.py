"""PagerDuty Events API v2: alert events (`/v2/enqueue`) and change events (`/v2/change/enqueue`).

What PagerDuty refuses is refused here, with its limits: `routing_key` and `event_action`
are required; a trigger needs `payload.summary` (at most 1024 characters),
`payload.source` and `payload.severity` (exactly `critical`, `error`, `warning` or
`info`); acknowledge and resolve need `dedup_key` and, as at PagerDuty, ignore the rest.
`dedup_key` is at most 255 characters. Source, component, group and class are at most
255 characters, link URLs 2048.

Mapping of an alert event:

- dedup key: `dedup_key`; a trigger without one gets a new random key (32 hex
  characters) that the caller returns, as PagerDuty does;
- labels: `severity`, `source`, `component`, `group` and `class` when present;
- details: `payload.custom_details` (a value that is not an object is kept under
  the key `custom_details`);
- links: `links` (href and text), `images` (the image URL, with its alt text or
  "Image") and `client_url` (with the `client` name, or "Client");
- occurred_at: `payload.timestamp`, ISO 8601; a time without an offset is read as UTC.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from watchkeeper.pipeline.ingest.adapters import PayloadError
from watchkeeper.pipeline.ingest.adapters.common import (
    MAX_HREF,
    ROOT,
    as_list,
    as_object,
    at,
    build,
    check_json,
    shown,
    text,
    timestamp,
    truncate,
)
from watchkeeper.pipeline.ingest.events import (
    MAX_DEDUP_KEY,
    MAX_FIELD,
    MAX_SUMMARY,
    Action,
    ChangeEvent,
    Link,
    NormalizedEvent,
    Severity,
)

ACTIONS = {action.value: action for action in Action}
SEVERITIES = {severity.value: severity for severity in Severity}
LABEL_FIELDS = ("component", "group", "class")


def new_dedup_key() -> str:
    return uuid.uuid4().hex


def parse(payload: Any, now: datetime) -> list[NormalizedEvent]:
    """The common adapter contract: the alert event alone, without its routing key."""
    return [parse_event(payload, now)[1]]


def parse_event(
    payload: Any, now: datetime, *, new_key: Callable[[], str] = new_dedup_key
) -> tuple[str, NormalizedEvent]:
    """Read an alert event; return its routing key and the normalized event."""
    check_json(payload)
    body = as_object(payload, ROOT)
    routing_key = text(body.get("routing_key"), "routing_key", required=True)
    action = _action(body.get("event_action"))
    dedup_key = text(body.get("dedup_key"), "dedup_key", max_length=MAX_DEDUP_KEY)
    if action is Action.TRIGGER:
        return routing_key, _trigger(body, dedup_key or new_key())
    if not dedup_key:
        raise PayloadError("dedup_key", f"is required to {action.value} an alert")
    return routing_key, build(NormalizedEvent, ROOT, action=action, dedup_key=dedup_key)


def parse_change(payload: Any, now: datetime) -> tuple[str, ChangeEvent]:
    """Read a change event; return its routing key and the change."""
    check_json(payload)
    body = as_object(payload, ROOT)
    routing_key = text(body.get("routing_key"), "routing_key", required=True)
    event = _payload_object(body)
    change = build(
        ChangeEvent,
        ROOT,
        summary=text(
            event.get("summary"), "payload.summary", required=True, max_length=MAX_SUMMARY
        ),
        source=text(event.get("source"), "payload.source", max_length=MAX_FIELD),
        occurred_at=timestamp(event.get("timestamp"), "payload.timestamp", naive_is_utc=True),
        details=_details(event.get("custom_details")),
        links=_links(body.get("links")),
    )
    return routing_key, change


def _action(value: Any) -> Action:
    name = text(value, "event_action", required=True)
    if name not in ACTIONS:
        raise PayloadError(
            "event_action", f'must be "trigger", "acknowledge" or "resolve", not {shown(name)}'
        )
    return ACTIONS[name]


def _trigger(body: dict[str, Any], dedup_key: str) -> NormalizedEvent:
    event = _payload_object(body)
    summary = text(event.get("summary"), "payload.summary", required=True, max_length=MAX_SUMMARY)
    source = text(event.get("source"), "payload.source", required=True, max_length=MAX_FIELD)
    severity = _severity(event.get("severity"))
    labels = {"severity": severity.value, "source": source}
    for name in LABEL_FIELDS:
        value = text(event.get(name), at("payload", name), max_length=MAX_FIELD)
        if value:
            labels[name] = value
    return build(
        NormalizedEvent,
        ROOT,
        action=Action.TRIGGER,
        dedup_key=dedup_key,
        summary=summary,
        severity=severity,
        source=source,
        labels=labels,
        details=_details(event.get("custom_details")),
        links=_links(body.get("links")) + _images(body.get("images")) + _client(body),
        occurred_at=timestamp(event.get("timestamp"), "payload.timestamp", naive_is_utc=True),
    )


def _payload_object(body: dict[str, Any]) -> dict[str, Any]:
    if body.get("payload") is None:
        raise PayloadError("payload", "is required")
    return as_object(body["payload"], "payload")


def _severity(value: Any) -> Severity:
    name = text(value, "payload.severity", required=True)
    if name not in SEVERITIES:
        raise PayloadError(
            "payload.severity",
            f'must be "critical", "error", "warning" or "info", not {shown(name)}',
        )
    return SEVERITIES[name]


def _details(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    return {"custom_details": value}


def _links(value: Any) -> list[Link]:
    result = []
    for index, item in enumerate(_list(value, "links")):
        link = as_object(item, at("links", index))
        href = text(
            link.get("href"), at("links", index, "href"), required=True, max_length=MAX_HREF
        )
        label = text(link.get("text"), at("links", index, "text"))
        result.append(Link(href=href, text=truncate(label, MAX_FIELD)))
    return result


def _images(value: Any) -> list[Link]:
    result = []
    for index, item in enumerate(_list(value, "images")):
        image = as_object(item, at("images", index))
        src = text(image.get("src"), at("images", index, "src"), required=True, max_length=MAX_HREF)
        alt = text(image.get("alt"), at("images", index, "alt"))
        result.append(Link(href=src, text=truncate(alt or "Image", MAX_FIELD)))
    return result


def _client(body: dict[str, Any]) -> list[Link]:
    url = text(body.get("client_url"), "client_url", max_length=MAX_HREF)
    name = text(body.get("client"), "client")
    return [Link(href=url, text=truncate(name or "Client", MAX_FIELD))] if url else []


def _list(value: Any, field: str) -> list[Any]:
    return [] if value is None else as_list(value, field)
