"""Pure decisions: does a timeline entry fire a trigger, and do an incident's facts meet a
workflow's conditions. Values in, values out; tested without a database."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from watchkeeper.core.matchers import match_all
from watchkeeper.core.priority import label
from watchkeeper.response.workflows.schemas import DAYS, Conditions, Hours, Trigger

_STATUS_KINDS = ("acknowledged", "resolved", "on_hold", "resumed", "reopened", "closed")
# The timeline kinds each trigger reads; the engine reads only these.
KINDS: dict[Trigger, tuple[str, ...]] = {
    Trigger.INCIDENT_OPENED: ("created",),
    Trigger.PRIORITY_CHANGED: ("priority", "priority_override"),
    Trigger.STATUS_CHANGED: _STATUS_KINDS,
    Trigger.ALERT_ATTACHED: ("alert",),
    Trigger.SLA_WARNING: ("sla_warning",),
    Trigger.SLA_BREACH: ("sla_breach",),
    Trigger.NOTE_TAGGED: ("note",),
    Trigger.SCHEDULE: (),  # not an entry: the engine fires these by the clock
}
ALL_KINDS = tuple(sorted({kind for kinds in KINDS.values() for kind in kinds}))
ACTOR = re.compile(r"^workflow #(\d+)\b")


@dataclass(frozen=True)
class Entry:
    """A timeline entry as a trigger sees it."""

    id: int
    incident_id: int
    kind: str
    summary: str
    actor: str
    at: datetime
    data: Mapping[str, Any] = field(default_factory=dict)

    def workflow_id(self) -> int | None:
        """Which workflow wrote it, when one did (its actor is `workflow #N name`)."""
        found = ACTOR.match(self.actor)
        return int(found.group(1)) if found else None


@dataclass(frozen=True)
class Facts:
    """What conditions look at: the incident as it is now, and its alerts' labels."""

    service_id: int
    team_id: int | None
    category_id: int | None
    priority: int
    labels: Sequence[Mapping[str, str]] = ()


def actor_name(workflow_id: int, name: str) -> str:
    return f"workflow #{workflow_id} {name}"[:100]


def fires(trigger: Trigger, value: str, entry: Entry) -> bool:
    """Whether the entry is the event the trigger waits for."""
    if entry.kind not in KINDS[trigger]:
        return False
    if trigger is Trigger.PRIORITY_CHANGED:
        return str(entry.data.get("to", "")) == value
    if trigger is Trigger.STATUS_CHANGED:
        status = str(entry.data.get("status", ""))
        return status == value or (value == "triggered" and entry.kind == "reopened")
    if trigger is Trigger.NOTE_TAGGED:
        tag = value.removeprefix("#").lower()
        return tag in {found.lower() for found in re.findall(r"#([\w-]+)", entry.summary)}
    return True


def evaluate(conditions: Conditions, facts: Facts, now: datetime) -> tuple[list[str], list[str]]:
    """Each condition given, said in words, split into those that hold and those that do not."""
    checks: list[tuple[bool, str]] = []
    if conditions.service_ids:
        checks.append(
            (facts.service_id in conditions.service_ids, _said("service", conditions.service_ids))
        )
    if conditions.team_ids:
        checks.append((facts.team_id in conditions.team_ids, _said("team", conditions.team_ids)))
    if conditions.category_ids:
        found = facts.category_id in conditions.category_ids
        checks.append((found, _said("category", conditions.category_ids)))
    if conditions.priorities:
        found = label(facts.priority) in conditions.priorities
        checks.append((found, f"priority is {' or '.join(conditions.priorities)}"))
    if conditions.labels:
        matchers = ", ".join(str(m) for m in conditions.labels)
        found = any(match_all(conditions.labels, labels) for labels in facts.labels)
        checks.append((found, f"an alert matches {matchers}"))
    if conditions.hours is not None:
        checks.append((within(conditions.hours, now), _said_hours(conditions.hours)))
    return [said for ok, said in checks if ok], [said for ok, said in checks if not ok]


def within(hours: Hours, now: datetime) -> bool:
    """Whether `now` falls in the window, on one of its days, in its zone. A window past
    midnight belongs to the day it starts on."""
    local = now.astimezone(ZoneInfo(hours.zone))
    start, end = _clock(hours.start), _clock(hours.end)
    today = DAYS[local.weekday()]
    yesterday = DAYS[(local.weekday() - 1) % 7]
    at = local.time()
    if start < end:
        return today in hours.days and start <= at < end
    return (today in hours.days and at >= start) or (yesterday in hours.days and at < end)


def _clock(text: str) -> time:
    hour, minute = text.split(":")
    return time(int(hour), int(minute))


def _said(what: str, ids: Sequence[int]) -> str:
    return f"{what} is " + " or ".join(f"#{ref}" for ref in ids)


def _said_hours(hours: Hours) -> str:
    days = "every day" if len(hours.days) == len(DAYS) else ", ".join(hours.days)
    return f"between {hours.start} and {hours.end} {hours.zone}, {days}"
