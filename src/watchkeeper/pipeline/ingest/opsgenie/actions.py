"""What each alert action does to Opsgenie's record of an alert, decided without I/O.

`apply` changes the loaded row and says what else the service must write: a note, the
new tag set, an acknowledge or resolve event for the page path, or why it failed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from watchkeeper.pipeline.ingest.adapters.opsgenie import MAX_ITEM, MAX_TAGS, ActionBody
from watchkeeper.pipeline.ingest.events import Action
from watchkeeper.pipeline.ingest.opsgenie.models import OpsgenieAlert

# Our action names, and the names Opsgenie's request status uses for them.
NAMES = {
    "acknowledge": "Acknowledge",
    "unacknowledge": "UnAcknowledge",
    "close": "Close",
    "snooze": "Snooze",
    "note": "AddNote",
    "add_tags": "AddTags",
    "remove_tags": "RemoveTags",
    "add_details": "AddDetails",
    "remove_details": "RemoveDetails",
    "escalate": "EscalateToNext",
    "assign": "Assign",
    "message": "UpdateMessage",
    "description": "UpdateDescription",
    "priority": "UpdatePriority",
}


_OPEN_ONLY = frozenset({"acknowledge", "unacknowledge", "snooze", "escalate", "assign"})


@dataclass(frozen=True)
class Change:
    status: str = ""
    error: str = ""
    event: Action | None = None
    tags: list[str] | None = None  # the new tag set, when it changed
    note: str = ""


def apply(
    alert: OpsgenieAlert, action: str, body: ActionBody, argument: Any, now: datetime
) -> Change:
    who = body.user or body.source
    if alert.status == "closed" and action not in (
        "close",
        "note",
        "add_details",
        "remove_details",
    ):
        return Change(error="Alert is already closed")
    change = _ACTIONS[action](alert, argument, who, now)
    if not change.error:
        alert.updated_at = now
    return change


def _acknowledge(alert: OpsgenieAlert, _: Any, who: str, now: datetime) -> Change:
    if alert.acknowledged:
        return Change(status="Alert is already acknowledged")
    alert.acknowledged = True
    alert.is_seen = True
    alert.acknowledged_at = alert.acknowledged_at or now
    alert.acknowledged_by = who[:100]
    return Change(status="Acknowledged alert", event=Action.ACKNOWLEDGE)


def _unacknowledge(alert: OpsgenieAlert, _: Any, who: str, now: datetime) -> Change:
    if not alert.acknowledged:
        return Change(status="Alert is not acknowledged")
    alert.acknowledged = False
    return Change(status="Unacknowledged alert")


def _close(alert: OpsgenieAlert, _: Any, who: str, now: datetime) -> Change:
    if alert.status == "closed":
        return Change(status="Alert is already closed")
    alert.status = "closed"
    alert.snoozed_until = None
    alert.closed_at = now
    alert.closed_by = who[:100]
    return Change(status="Closed alert", event=Action.RESOLVE)


def _snooze(alert: OpsgenieAlert, until: datetime, who: str, now: datetime) -> Change:
    alert.snoozed_until = until
    return Change(status=f"Snoozed alert until {until.isoformat()}")


def _note(alert: OpsgenieAlert, _: Any, who: str, now: datetime) -> Change:
    return Change(status="Added note to alert")


def _add_tags(alert: OpsgenieAlert, tags: list[str], who: str, now: datetime) -> Change:
    merged = list(alert.tags)
    for tag in tags:
        if tag[:MAX_ITEM] not in merged:
            merged.append(tag[:MAX_ITEM])
    alert.tags = merged[:MAX_TAGS]
    return Change(status="Added tags to alert", tags=alert.tags)


def _remove_tags(alert: OpsgenieAlert, tags: list[str], who: str, now: datetime) -> Change:
    alert.tags = [tag for tag in alert.tags if tag not in tags]
    return Change(status="Removed tags from alert", tags=alert.tags)


def _add_details(alert: OpsgenieAlert, details: dict[str, str], who: str, now: datetime) -> Change:
    alert.details = {**alert.details, **details}
    return Change(status="Added details to alert")


def _remove_details(alert: OpsgenieAlert, keys: list[str], who: str, now: datetime) -> Change:
    alert.details = {key: value for key, value in alert.details.items() if key not in keys}
    return Change(status="Removed details from alert")


def _escalate(alert: OpsgenieAlert, target: dict[str, str], who: str, now: datetime) -> Change:
    name = target.get("name") or target.get("id", "")
    return Change(status="Escalated alert to next", note=f"Escalated to next in {name}")


def _assign(alert: OpsgenieAlert, owner: dict[str, str], who: str, now: datetime) -> Change:
    alert.owner = (owner.get("username") or owner.get("name") or owner.get("id", ""))[:100]
    return Change(status=f"Assigned alert to {alert.owner}")


def _update(field: str) -> Callable[[OpsgenieAlert, Any, str, datetime], Change]:
    """Alertmanager's `update_alerts` and the client's update calls: Opsgenie's record
    changes; the Watchkeeper alert keeps what it was opened with."""

    def update(alert: OpsgenieAlert, value: str, who: str, now: datetime) -> Change:
        setattr(alert, field, value)
        return Change(status=f"Updated alert {field}")

    return update


_ACTIONS: dict[str, Callable[[OpsgenieAlert, Any, str, datetime], Change]] = {
    "acknowledge": _acknowledge,
    "unacknowledge": _unacknowledge,
    "close": _close,
    "snooze": _snooze,
    "note": _note,
    "add_tags": _add_tags,
    "remove_tags": _remove_tags,
    "add_details": _add_details,
    "remove_details": _remove_details,
    "escalate": _escalate,
    "assign": _assign,
    "message": _update("message"),
    "description": _update("description"),
    "priority": _update("priority"),
}
