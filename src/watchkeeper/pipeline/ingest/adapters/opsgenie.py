"""Opsgenie Alert API v2: the bodies of create alert and of the alert actions.

Opsgenie cuts a text field that is over its limit rather than refusing the alert, and so
does this adapter (message 130 characters, alias 512, description 15,000, source 100,
entity 512, user 100, note 25,000; at most 20 tags and 10 actions of 50 characters,
50 responders and 50 visibleTo entries). What no limit can fix is refused with the
field's name: a field of the wrong JSON type, an empty message, a priority other than
P1..P5, a responder without a type or a way to name it.

Mapping of a created alert onto the normalized event:

- dedup key: the alias (an alert created without one gets its own id as alias, as at
  Opsgenie, so it never deduplicates);
- summary: the message; severity from the priority (P1 critical, P2 error, P3 warning,
  P4 and P5 info);
- labels: `priority`, `source` and `entity` when present, and `tags` (comma-separated,
  sorted) so routing rules and silences can match them;
- details: the alert's details, with the description under `description`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from watchkeeper.pipeline.ingest.adapters import PayloadError
from watchkeeper.pipeline.ingest.adapters.common import (
    ROOT,
    as_list,
    as_object,
    at,
    build,
    check_json,
    json_type,
    shown,
    text,
    timestamp,
)
from watchkeeper.pipeline.ingest.events import MAX_SUMMARY, Action, NormalizedEvent, Severity

PRIORITIES = ("P1", "P2", "P3", "P4", "P5")
DEFAULT_PRIORITY = "P3"
SEVERITY_OF = {
    "P1": Severity.CRITICAL,
    "P2": Severity.ERROR,
    "P3": Severity.WARNING,
    "P4": Severity.INFO,
    "P5": Severity.INFO,
}
LIMITS = {
    "message": 130,
    "alias": 512,
    "description": 15_000,
    "source": 100,
    "entity": 512,
    "user": 100,
    "note": 25_000,
}
MAX_TAGS = 20
MAX_ACTIONS = 10
MAX_ITEM = 50
MAX_RECIPIENTS = 50
MAX_DETAIL = 8_000
RESPONDER_TYPES = ("team", "user", "escalation", "schedule")
VISIBLE_TYPES = ("team", "user")
NAME_FIELDS = {"user": "username", "team": "name", "escalation": "name", "schedule": "name"}


@dataclass(frozen=True)
class NewAlert:
    """A create-alert body, checked and cut to Opsgenie's limits."""

    message: str
    alias: str = ""
    description: str = ""
    responders: list[dict[str, str]] = field(default_factory=list)
    visible_to: list[dict[str, str]] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    details: dict[str, str] = field(default_factory=dict)
    entity: str = ""
    source: str = ""
    priority: str = DEFAULT_PRIORITY
    user: str = ""
    note: str = ""


@dataclass(frozen=True)
class ActionBody:
    """What every alert action may carry: who did it, from where, and a note."""

    user: str = ""
    source: str = ""
    note: str = ""


def parse_create(payload: Any) -> NewAlert:
    check_json(payload)
    body = as_object(payload, ROOT)
    message = _cut(body, "message", required=True)
    return NewAlert(
        message=message,
        alias=_cut(body, "alias"),
        description=_cut(body, "description"),
        responders=_recipients(body.get("responders"), "responders", RESPONDER_TYPES),
        visible_to=_recipients(body.get("visibleTo"), "visibleTo", VISIBLE_TYPES),
        actions=_words(body.get("actions"), "actions", MAX_ACTIONS),
        tags=_words(body.get("tags"), "tags", MAX_TAGS),
        details=details(body.get("details"), "details"),
        entity=_cut(body, "entity"),
        source=_cut(body, "source"),
        priority=priority(body.get("priority")),
        user=_cut(body, "user"),
        note=_cut(body, "note"),
    )


def parse_action(payload: Any) -> ActionBody:
    """The optional user, source and note of an action; an empty body is fine."""
    if payload is None:
        return ActionBody()
    check_json(payload)
    body = as_object(payload, ROOT)
    return ActionBody(user=_cut(body, "user"), source=_cut(body, "source"), note=_cut(body, "note"))


def event_for(alert: NewAlert, alias: str, now: datetime) -> NormalizedEvent:
    """The trigger event that carries a created (or repeated) alert down the page path."""
    labels = {"priority": alert.priority}
    for name in ("source", "entity"):
        value = getattr(alert, name)
        if value:
            labels[name] = value[:255]
    if alert.tags:
        labels["tags"] = ",".join(sorted(alert.tags))[:255]
    info: dict[str, Any] = dict(alert.details)
    if alert.description:
        info["description"] = alert.description
    return build(
        NormalizedEvent,
        ROOT,
        action=Action.TRIGGER,
        dedup_key=alias[:255],
        summary=alert.message[:MAX_SUMMARY],
        severity=SEVERITY_OF[alert.priority],
        source=alert.source,
        labels=labels,
        details=info,
        occurred_at=now,
    )


def closing_event(alias: str, action: Action) -> NormalizedEvent:
    """An acknowledge or resolve event for the alert with this alias."""
    return NormalizedEvent(action=action, dedup_key=alias[:255])


def updated_text(body: dict[str, Any], name: str) -> str:
    """The new message or description of an update call, cut to its limit."""
    return _cut(body, name, required=True)


def priority(value: Any, field_name: str = "priority") -> str:
    name = text(value, field_name) or DEFAULT_PRIORITY
    if name not in PRIORITIES:
        raise PayloadError(field_name, f"must be one of P1, P2, P3, P4 or P5, not {shown(name)}")
    return name


def details(value: Any, field_name: str) -> dict[str, str]:
    """A flat object; numbers and booleans are kept as their text, as Opsgenie shows them."""
    if value is None:
        return {}
    mapping = as_object(value, field_name)
    result: dict[str, str] = {}
    for key, item in mapping.items():
        if isinstance(item, dict | list) or item is None:
            raise PayloadError(at(field_name, key), f"must be a string, not {json_type(item)}")
        result[str(key)] = item if isinstance(item, str) else _scalar(item)
    size = sum(len(key) + len(item) for key, item in result.items())
    if size > MAX_DETAIL:
        raise PayloadError(field_name, f"hold {size} characters; the limit is {MAX_DETAIL}")
    return result


def words(value: Any, field_name: str) -> list[str]:
    """A list of tags or detail keys, given as a JSON array or a comma-separated string."""
    if isinstance(value, str):
        return [word.strip() for word in value.split(",") if word.strip()]
    return _words(value, field_name, None)


def end_time(value: Any, now: datetime) -> datetime:
    moment = timestamp(value, "endTime")
    if moment is None:
        raise PayloadError("endTime", "is required")
    if moment <= now:
        raise PayloadError("endTime", "must be in the future")
    return moment


def recipient(value: Any, field_name: str, kinds: tuple[str, ...]) -> dict[str, str]:
    """One responder, owner or escalation: a type (where it has one) and an id or name."""
    item = as_object(value, field_name)
    kind = text(item.get("type"), at(field_name, "type"))
    if kinds and kind not in kinds:
        raise PayloadError(
            at(field_name, "type"), f"must be one of {', '.join(kinds)}, not {shown(kind)}"
        )
    result = {"type": kind} if kind else {}
    for name in ("id", "name", "username"):
        found = text(item.get(name), at(field_name, name), max_length=512)
        if found:
            result[name] = found
    if not ({"id", "name", "username"} & result.keys()):
        raise PayloadError(field_name, "needs an id, a name or a username")
    return result


def _recipients(value: Any, field_name: str, kinds: tuple[str, ...]) -> list[dict[str, str]]:
    if value is None:
        return []
    items = as_list(value, field_name)[:MAX_RECIPIENTS]
    return [recipient(item, at(field_name, index), kinds) for index, item in enumerate(items)]


def _words(value: Any, field_name: str, limit: int | None) -> list[str]:
    if value is None:
        return []
    result: list[str] = []
    for index, item in enumerate(as_list(value, field_name)):
        word = text(item, at(field_name, index)).strip()[:MAX_ITEM]
        if word and word not in result:
            result.append(word)
    return result if limit is None else result[:limit]


def _cut(body: dict[str, Any], name: str, *, required: bool = False) -> str:
    value = text(body.get(name), name, required=required)
    return value.strip()[: LIMITS[name]] if name in ("message", "alias") else value[: LIMITS[name]]


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
