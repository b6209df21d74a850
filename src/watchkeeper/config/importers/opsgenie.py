"""Opsgenie: users, teams, schedules, escalations, services and integrations from saved REST
API v2 responses (one JSON file per call, laid out as docs/import.md says).

Mapping, and what cannot come over (each named in the plan's warnings):

- users by email (Opsgenie's `username`), as for PagerDuty; Owner and Admin are admin,
  Stakeholder and Observer viewer, the rest responder.
- rotations: daily, weekly and hourly of any length become daily/weekly, N-day or N-hour
  rotations handing off at the start date's wall time; time-of-day and
  weekday-and-time-of-day restrictions become restrictions (one window per day). The
  first rotation has the highest priority. Opsgenie puts the participants of rotations
  that overlap on call together, where Watchkeeper's higher layer wins: such schedules
  get a warning, and the shift check shows whether it matters. Participants that are
  teams, groups or `none` are skipped with a warning.
- escalation rules become levels: Opsgenie's delays count from the alert's creation,
  ours from the previous level, so each level waits until the next rule's delay (the
  last one `repeat.waitInterval`, or 30 minutes); rules with the same delay share a
  level. `repeat.count` is the repeat (at most 9). Rules other than `if-not-acked` get
  a warning.
- integrations of the API kind (API, Prometheus' Alertmanager, Grafana and the other
  tools that call Opsgenie's Alert API) become generic integrations, whose keys the
  Opsgenie drop-in (docs/opsgenie.md) accepts, on the first service of their team.
"""

from __future__ import annotations

import json
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
from watchkeeper.config.importers.pagerduty import login_for

SOURCE = "opsgenie"
ROLES = {"owner": "admin", "admin": "admin", "stakeholder": "viewer", "observer": "viewer"}
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
API_KINDS = {"api", "prometheus", "grafana", "alertmanager", "datadog", "zabbix", "nagios"}
MINUTES_PER_DAY = 24 * 60


def read(directory: Path, existing_logins_by_email: dict[str, str]) -> Imported:
    imported = Imported(SOURCE, {"version": 1})
    logins = _users(imported, _data(directory / "users.json"), existing_logins_by_email)
    teams = _data(directory / "teams.json")
    team_names = {team["id"]: team["name"] for team in teams}
    imported.document["teams"] = [_team(directory, team, logins) for team in teams]
    schedule_names: dict[str, str] = {}
    for raw in _data(directory / "schedules.json"):
        draft = _schedule(directory, raw, logins, team_names, imported.warnings)
        schedule_names[raw["id"]] = draft.name
        imported.schedules.append(draft)
    imported.document["escalation_policies"] = [
        _policy(item, logins, schedule_names, team_names, imported.warnings)
        for item in _data(directory / "escalations.json")
    ]
    services = _data(directory / "services.json")
    imported.document["services"] = [
        {
            "name": item["name"],
            "description": item.get("description") or "",
            "owner_team": team_names.get(item.get("teamId", "")),
        }
        for item in services
    ]
    first_service: dict[str, str] = {}
    for item in sorted(services, key=lambda s: s["name"]):
        first_service.setdefault(item.get("teamId", ""), item["name"])
    for item in _data(directory / "integrations.json"):
        _integration(item, first_service, imported)
    return imported


def _data(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    found: list[dict[str, Any]] = json.loads(path.read_text()).get("data", [])
    return found


def _users(
    imported: Imported, users: list[dict[str, Any]], existing: dict[str, str]
) -> dict[str, str]:
    logins: dict[str, str] = {}
    entries = []
    taken = set(existing.values())
    for user in users:
        email = (user.get("username") or "").lower()
        if email in existing:
            logins[user["id"]] = existing[email]
            continue
        login = login_for(email or user["id"], taken)
        logins[user["id"]] = login
        role = str((user.get("role") or {}).get("name", "")).lower()
        entries.append(
            {
                "login": login,
                "name": user.get("fullName") or login,
                "email": email or None,
                "role": ROLES.get(role, "responder"),
                "time_zone": user.get("timeZone") or "UTC",
            }
        )
    if entries:
        imported.document["users"] = entries
        imported.warnings.append(
            "notification rules and contact methods are not imported; people add theirs"
        )
    return logins


def _team(directory: Path, team: dict[str, Any], logins: dict[str, str]) -> dict[str, Any]:
    detail_path = directory / "teams" / f"{team['id']}.json"
    detail = json.loads(detail_path.read_text())["data"] if detail_path.exists() else team
    members = {
        logins[m["user"]["id"]] for m in detail.get("members", []) if m["user"]["id"] in logins
    }
    return {
        "name": team["name"],
        "description": team.get("description") or "",
        "members": sorted(members),
    }


def _schedule(
    directory: Path,
    raw: dict[str, Any],
    logins: dict[str, str],
    team_names: dict[str, str],
    warnings: list[str],
) -> ScheduleDraft:
    zone = raw.get("timezone") or "UTC"
    owner = (raw.get("ownerTeam") or {}).get("id", "")
    draft = ScheduleDraft(
        raw["id"], raw["name"], zone, raw.get("description") or "", team_names.get(owner)
    )
    rotations = list(raw.get("rotations", []))
    if len(rotations) > 1:
        warnings.append(
            f"schedule {draft.name!r}: Opsgenie puts overlapping rotations' participants on "
            "call together; here the first rotation wins where they overlap"
        )
    # Opsgenie's first rotation wins here, so it gets the highest position.
    for rotation in reversed(rotations):
        participants = []
        for item in rotation.get("participants", []):
            if item.get("type") == "user" and item.get("id") in logins:
                participants.append(logins[item["id"]])
            else:
                warnings.append(
                    f"schedule {draft.name!r}: a {item.get('type')} participant is skipped"
                )
        if not participants:
            draft.problems.append(f"rotation {rotation.get('name')!r} has no known user")
            continue
        fields = _rotation(rotation, ZoneInfo(zone), draft)
        if fields is not None:
            draft.layers.append(
                LayerDraft(rotation.get("name") or "Rotation", participants, fields)
            )
    for item in _data(directory / "overrides" / f"{raw['id']}.json"):
        user = (item.get("user") or {}).get("id")
        if user in logins:
            draft.overrides.append(
                (logins[user], _moment(item["startDate"]), _moment(item["endDate"]))
            )
    timeline = directory / "timelines" / f"{raw['id']}.json"
    if timeline.exists():
        final = json.loads(timeline.read_text())["data"]["finalTimeline"]
        draft.vendor_shifts = [
            (logins.get(p["recipient"]["id"], "?"), _moment(p["startDate"]), _moment(p["endDate"]))
            for rotation in final.get("rotations", [])
            for p in rotation.get("periods", [])
            if p.get("recipient", {}).get("type") == "user"
        ]
    return draft


def _rotation(
    rotation: dict[str, Any], zone: ZoneInfo, draft: ScheduleDraft
) -> dict[str, Any] | None:
    kind, length = rotation.get("type"), int(rotation.get("length") or 1)
    if kind == "daily":
        shape = ("daily", 1) if length == 1 else ("days", length)
    elif kind == "weekly":
        shape = ("weekly", 1) if length == 1 else ("days", 7 * length)
    elif kind == "hourly":
        shape = ("hours", length)
    else:
        draft.problems.append(f"rotation {rotation.get('name')!r}: unknown type {kind!r}")
        return None
    start = _moment(rotation["startDate"]).astimezone(zone)
    fields: dict[str, Any] = {
        "rotation": shape[0],
        "rotation_length": shape[1],
        "handoff_time": start.strftime("%H:%M"),
        "start": start.replace(tzinfo=None).isoformat(timespec="minutes"),
        "restrictions": _restrictions(rotation.get("timeRestriction")),
    }
    if rotation.get("endDate"):
        end = _moment(rotation["endDate"]).astimezone(zone)
        fields["end"] = end.replace(tzinfo=None).isoformat(timespec="minutes")
    return fields


def _restrictions(restriction: dict[str, Any] | None) -> list[dict[str, Any]]:
    if not restriction:
        return []
    if restriction.get("type") == "time-of-day":
        item = restriction.get("restriction") or {}
        start = int(item.get("startHour", 0)) * 60 + int(item.get("startMin", 0))
        end = int(item.get("endHour", 0)) * 60 + int(item.get("endMin", 0))
        return [{"days": list(range(7)), "start": _clock(start), "end": _clock(end)}]
    windows = []
    for item in restriction.get("restrictions", []):
        day = DAYS.index(item["startDay"])
        last = DAYS.index(item["endDay"])
        start = int(item.get("startHour", 0)) * 60 + int(item.get("startMin", 0))
        finish = int(item.get("endHour", 0)) * 60 + int(item.get("endMin", 0))
        span = (last - day) % 7 * MINUTES_PER_DAY + finish - start
        if span <= 0:
            span += 7 * MINUTES_PER_DAY
        while span > 0:
            piece = min(span, MINUTES_PER_DAY - start)
            windows.append(
                {"days": [day % 7], "start": _clock(start), "end": _clock(start + piece)}
            )
            span, start, day = span - piece, 0, day + 1
    return windows


def _policy(
    item: dict[str, Any],
    logins: dict[str, str],
    schedules: dict[str, str],
    team_names: dict[str, str],
    warnings: list[str],
) -> dict[str, Any]:
    by_delay: dict[int, list[dict[str, str]]] = {}
    for rule in item.get("rules", []):
        if rule.get("condition", "if-not-acked") != "if-not-acked":
            warnings.append(
                f"escalation {item['name']!r}: a rule on {rule.get('condition')} runs as "
                "if-not-acked"
            )
        delay = _minutes(rule.get("delay") or {})
        recipient = rule.get("recipient") or {}
        kind, ref = recipient.get("type"), recipient.get("id", "")
        if kind == "user" and ref in logins:
            target = {"user": logins[ref]}
        elif kind == "schedule" and ref in schedules:
            target = {"schedule": schedules[ref]}
        elif kind == "team" and ref in team_names:
            target = {"team": team_names[ref]}
        else:
            warnings.append(f"escalation {item['name']!r}: a {kind} recipient is skipped")
            continue
        by_delay.setdefault(delay, []).append(target)
    repeat = item.get("repeat") or {}
    delays = sorted(by_delay)
    wait = int(repeat.get("waitInterval") or 30)
    levels = [
        {
            "targets": by_delay[delay],
            "delay_minutes": max(
                1, min(1440, (delays[i + 1] if i + 1 < len(delays) else delay + wait) - delay)
            ),
        }
        for i, delay in enumerate(delays)
    ]
    owner = (item.get("ownerTeam") or {}).get("id", "")
    return {
        "name": item["name"],
        "description": item.get("description") or "",
        "team": team_names.get(owner),
        "repeat": min(int(repeat.get("count") or 0), 9),
        "levels": levels,
    }


def _integration(item: dict[str, Any], first_service: dict[str, str], imported: Imported) -> None:
    kind = str(item.get("type", ""))
    service = first_service.get(item.get("teamId", ""))
    if service is None:
        imported.warnings.append(
            f"integration {item.get('name')!r}: its team has no service to put it on; skipped"
        )
        return
    if kind.lower() not in API_KINDS:
        imported.warnings.append(
            f"integration {item.get('name')!r} ({kind}) has no native equivalent; it becomes "
            "a generic integration"
        )
    imported.integrations.append(IntegrationDraft(item["id"], service, "generic", item["name"]))


def _minutes(delay: dict[str, Any]) -> int:
    amount = int(delay.get("timeAmount") or 0)
    unit = delay.get("timeUnit", "minutes")
    return amount * {"minutes": 1, "hours": 60, "days": MINUTES_PER_DAY}.get(unit, 1)


def _clock(minutes: int) -> str:
    minutes %= MINUTES_PER_DAY
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _moment(text: str) -> datetime:
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=ZoneInfo("UTC"))
