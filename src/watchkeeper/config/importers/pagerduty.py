"""PagerDuty: users, teams, schedules, escalation policies and services from saved REST API
v2 responses (one JSON file per call, laid out as docs/import.md says).

Mapping, and what cannot come over (each named in the plan's warnings):

- users by email: an existing Watchkeeper user with the same email is used as is; a new
  one gets the email's local part as login; roles owner/admin are admin,
  observer/read_only_user viewer, the rest responder. Contact methods and notification
  rules are not imported.
- schedule layers: the turn length becomes a daily, weekly, N-day or N-hour rotation
  handing off at the virtual start's wall time; daily and weekly restrictions become
  restrictions (a weekly one longer than a day is split into days). A turn that is not
  a whole number of hours cannot be represented and is an error. The last layer in the
  list has the highest priority. Overrides still to come are imported.
- escalation rules become levels (targets: users and schedules; `num_loops` is the
  repeat, at most 9).
- a service's Events API integrations become `pagerduty` integrations, any other kind a
  `generic` one; each new key is shown once with the URL to give the monitor.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from watchkeeper.config.importers.common import (
    Imported,
    IntegrationDraft,
    LayerDraft,
    ScheduleDraft,
)

SOURCE = "pagerduty"
DAY = 86400
ROLES = {"owner": "admin", "admin": "admin", "observer": "viewer", "read_only_user": "viewer"}


def read(directory: Path, existing_logins_by_email: dict[str, str]) -> Imported:
    """Everything in `directory`; `existing_logins_by_email` maps our users' emails."""
    imported = Imported(SOURCE, {"version": 1})
    users = _list(directory / "users.json", "users")
    logins = _users(imported, users, existing_logins_by_email)
    teams = _list(directory / "teams.json", "teams")
    team_names = {team["id"]: team["name"] for team in teams}
    imported.document["teams"] = [
        {
            "name": team["name"],
            "description": team.get("description") or "",
            "members": sorted(
                {
                    logins[m["user"]["id"]]
                    for m in _list(directory / "team_members" / f"{team['id']}.json", "members")
                    if m["user"]["id"] in logins
                }
            ),
        }
        for team in teams
    ]
    schedule_names: dict[str, str] = {}
    for path in sorted((directory / "schedules").glob("*.json")):
        raw = json.loads(path.read_text())["schedule"]
        overrides = _list(directory / "overrides" / f"{raw['id']}.json", "overrides")
        draft = _schedule(raw, overrides, logins, team_names, imported.warnings)
        schedule_names[raw["id"]] = draft.name
        imported.schedules.append(draft)
    imported.document["escalation_policies"] = [
        _policy(policy, logins, schedule_names, team_names, imported.warnings)
        for policy in _list(directory / "escalation_policies.json", "escalation_policies")
    ]
    policy_names = {
        p["id"]: p["name"]
        for p in _list(directory / "escalation_policies.json", "escalation_policies")
    }
    services = _list(directory / "services.json", "services")
    imported.document["services"] = [
        _service(item, policy_names, team_names, imported) for item in services
    ]
    return imported


def _list(path: Path, key: str) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    found: list[dict[str, Any]] = json.loads(path.read_text()).get(key, [])
    return found


def login_for(email: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9._-]", "-", email.split("@")[0].lower()).strip("-._") or "user"
    base = base if len(base) >= 2 else f"{base}-user"
    login, number = base[:60], 2
    while login in taken:
        login, number = f"{base[:57]}-{number}", number + 1
    taken.add(login)
    return login


def _users(
    imported: Imported, users: list[dict[str, Any]], existing: dict[str, str]
) -> dict[str, str]:
    logins: dict[str, str] = {}
    entries = []
    taken = set(existing.values())
    for user in users:
        email = (user.get("email") or "").lower()
        if email in existing:
            logins[user["id"]] = existing[email]
            continue
        login = login_for(email or user["id"], taken)
        logins[user["id"]] = login
        entries.append(
            {
                "login": login,
                "name": user.get("name") or login,
                "email": email or None,
                "role": ROLES.get(user.get("role", ""), "responder"),
                "time_zone": user.get("time_zone") or "UTC",
            }
        )
        if user.get("contact_methods") or user.get("notification_rules"):
            imported.warnings.append(
                f"user {login}: contact methods and notification rules are not imported; "
                "they add their own in Watchkeeper"
            )
    if entries:
        imported.document["users"] = entries
    return logins


def _schedule(
    raw: dict[str, Any],
    overrides: list[dict[str, Any]],
    logins: dict[str, str],
    team_names: dict[str, str],
    warnings: list[str],
) -> ScheduleDraft:
    zone = raw.get("time_zone") or "UTC"
    teams = [team_names[t["id"]] for t in raw.get("teams", []) if t["id"] in team_names]
    draft = ScheduleDraft(
        raw["id"], raw["name"], zone, raw.get("description") or "", teams[0] if teams else None
    )
    layers = list(raw.get("schedule_layers", []))
    for layer in layers:
        fields = _layer_fields(layer, ZoneInfo(zone), draft)
        participants = [
            logins[entry["user"]["id"]]
            for entry in layer.get("users", [])
            if entry["user"]["id"] in logins
        ]
        if not participants:
            draft.problems.append(f"layer {layer.get('name')!r} has no known user")
            continue
        if fields is not None:
            draft.layers.append(LayerDraft(layer.get("name") or "Layer", participants, fields))
    for item in overrides:
        user = item.get("user", {}).get("id")
        if user in logins:
            draft.overrides.append((logins[user], _moment(item["start"]), _moment(item["end"])))
    final = raw.get("final_schedule", {}).get("rendered_schedule_entries")
    if final is not None:
        draft.vendor_shifts = [
            (logins.get(e["user"]["id"], "?"), _moment(e["start"]), _moment(e["end"]))
            for e in final
        ]
    return draft


def _layer_fields(
    layer: dict[str, Any], zone: ZoneInfo, draft: ScheduleDraft
) -> dict[str, Any] | None:
    seconds = int(layer.get("rotation_turn_length_seconds") or DAY)
    name = layer.get("name") or "Layer"
    if seconds == DAY:
        rotation, length = "daily", 1
    elif seconds == 7 * DAY:
        rotation, length = "weekly", 1
    elif seconds % DAY == 0:
        rotation, length = "days", seconds // DAY
    elif seconds % 3600 == 0:
        rotation, length = "hours", seconds // 3600
    else:
        draft.problems.append(
            f"layer {name!r}: a turn of {seconds} s is not a whole number of hours"
        )
        return None
    virtual = _moment(layer["rotation_virtual_start"]).astimezone(zone)
    fields: dict[str, Any] = {
        "rotation": rotation,
        "rotation_length": length,
        "handoff_time": virtual.strftime("%H:%M"),
        "start": virtual.replace(tzinfo=None).isoformat(timespec="minutes"),
        "restrictions": _restrictions(layer.get("restrictions", []), name, draft),
    }
    if layer.get("end"):
        fields["end"] = (
            _moment(layer["end"])
            .astimezone(zone)
            .replace(tzinfo=None)
            .isoformat(timespec="minutes")
        )
    return fields


def _restrictions(
    items: list[dict[str, Any]], layer: str, draft: ScheduleDraft
) -> list[dict[str, Any]]:
    """Restrictions in minutes of the day; a weekly one is cut into one window per day."""
    result = []
    for item in items:
        hours, minutes = item["start_time_of_day"][:5].split(":")
        start = int(hours) * 60 + int(minutes)
        left = int(item["duration_seconds"]) // 60
        if item["type"] == "daily_restriction":
            if left > DAY // 60:
                draft.problems.append(f"layer {layer!r}: a daily restriction longer than a day")
                continue
            window = {"days": list(range(7)), "start": _clock(start), "end": _clock(start + left)}
            result.append(window)
            continue
        day = int(item.get("start_day_of_week") or 1) - 1  # PagerDuty: Monday is 1
        while left > 0:
            piece = min(left, DAY // 60 - start)
            result.append({"days": [day % 7], "start": _clock(start), "end": _clock(start + piece)})
            left, start, day = left - piece, 0, day + 1
    return result


def _clock(minutes: int) -> str:
    minutes %= DAY // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _policy(
    policy: dict[str, Any],
    logins: dict[str, str],
    schedules: dict[str, str],
    team_names: dict[str, str],
    warnings: list[str],
) -> dict[str, Any]:
    levels = []
    for rule in policy.get("escalation_rules", []):
        targets: list[dict[str, str]] = []
        for target in rule.get("targets", []):
            kind = target.get("type", "")
            if kind.startswith("user") and target["id"] in logins:
                targets.append({"user": logins[target["id"]]})
            elif kind.startswith("schedule") and target["id"] in schedules:
                targets.append({"schedule": schedules[target["id"]]})
            else:
                warnings.append(f"policy {policy['name']!r}: target {target.get('id')} skipped")
        if targets:
            delay = max(1, min(1440, int(rule.get("escalation_delay_in_minutes") or 30)))
            levels.append({"targets": targets, "delay_minutes": delay})
    loops = int(policy.get("num_loops") or 0)
    if loops > 9:
        warnings.append(f"policy {policy['name']!r}: {loops} loops cut to 9")
    teams = [team_names[t["id"]] for t in policy.get("teams", []) if t["id"] in team_names]
    return {
        "name": policy["name"],
        "description": policy.get("description") or "",
        "team": teams[0] if teams else None,
        "repeat": min(loops, 9),
        "levels": levels,
    }


def _service(
    item: dict[str, Any],
    policy_names: dict[str, str],
    team_names: dict[str, str],
    imported: Imported,
) -> dict[str, Any]:
    teams = [team_names[t["id"]] for t in item.get("teams", []) if t["id"] in team_names]
    for integration in item.get("integrations", []):
        kind = integration.get("type", "")
        type_ = "pagerduty" if "events_api" in kind else "generic"
        if type_ == "generic":
            imported.warnings.append(
                f"service {item['name']!r}: integration {integration.get('summary')!r} ({kind}) "
                "has no native equivalent; it becomes a generic integration"
            )
        imported.integrations.append(
            IntegrationDraft(
                integration["id"], item["name"], type_, integration.get("summary") or kind
            )
        )
    urgency = (item.get("incident_urgency_rule") or {}).get("type", "constant")
    if urgency != "constant" or item.get("support_hours") or item.get("scheduled_actions"):
        imported.warnings.append(
            f"service {item['name']!r}: urgency rules, support hours and scheduled actions "
            "are not imported; routing rules and the severity table do this here"
        )
    policy = item.get("escalation_policy") or {}
    return {
        "name": item["name"],
        "description": item.get("description") or "",
        "owner_team": teams[0] if teams else None,
        "escalation_policy": policy_names.get(policy.get("id", "")),
    }


def _moment(text: str) -> datetime:
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=ZoneInfo("UTC"))
