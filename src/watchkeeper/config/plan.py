"""The plan: what applying a file would create, change (field by field) or delete, and
the errors that stop it. Pure: it compares the file with an export of the database.

Only the kinds the file lists are compared. An object of such a kind that the file does
not name is left alone, unless `prune`: then it is deleted (users are deactivated
instead, as people are never deleted). References are checked against what will exist
after the apply, so a team may list a user the same file creates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from watchkeeper.config.schemas import KEYS, KINDS, ConfigFile, key_of

SORTED_LISTS = {("teams", "members"), ("services", "depends_on"), ("services", "tags")}


@dataclass(frozen=True)
class FieldChange:
    name: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Change:
    kind: str
    key: str
    op: str  # create, update, delete
    fields: tuple[FieldChange, ...] = ()
    index: int | None = None  # its position in the file's list, for error lines


@dataclass(frozen=True)
class Problem:
    """An error that stops the apply, with the path of the field at fault."""

    path: tuple[str | int, ...]
    message: str


@dataclass
class Plan:
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    left_alone: dict[str, int] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.changes

    def counts(self) -> dict[str, int]:
        found = {"create": 0, "update": 0, "delete": 0}
        for change in self.changes:
            found[change.op] += 1
        return found


def desired_of(document: ConfigFile) -> dict[str, list[dict[str, Any]]]:
    """The file's kinds as plain data, defaults filled in, lists that are sets sorted."""
    dumped = document.model_dump(mode="json")
    result: dict[str, list[dict[str, Any]]] = {}
    for kind in KINDS:
        if dumped.get(kind) is None:
            continue
        items = dumped[kind]
        for item in items:
            for list_kind, name in SORTED_LISTS:
                if list_kind == kind:
                    item[name] = sorted(set(item[name]))
        result[kind] = items
    return result


def make(
    current: dict[str, list[dict[str, Any]]],
    document: ConfigFile,
    *,
    prune: bool = False,
    schedules: frozenset[str] = frozenset(),
) -> Plan:
    """Compare; `schedules` are the names of the schedules that exist, for policies to
    page when the file does not manage schedules itself."""
    desired = desired_of(document)
    plan = Plan()
    for kind in KINDS:
        if kind in desired:
            _compare(plan, kind, current[kind], desired[kind], prune)
    _check_references(plan, current, desired, prune, schedules)
    return plan


def _compare(
    plan: Plan, kind: str, have: list[dict[str, Any]], want: list[dict[str, Any]], prune: bool
) -> None:
    existing = {key_of(kind, item): item for item in have}
    seen: dict[str, int] = {}
    for index, item in enumerate(want):
        key = key_of(kind, item)
        if key in seen:
            plan.problems.append(
                Problem(
                    (kind, index, KEYS[kind]),
                    f"{key!r} is listed twice (also item {seen[key] + 1})",
                )
            )
            continue
        seen[key] = index
        old = existing.get(key)
        if old is None:
            fields = tuple(FieldChange(name, None, value) for name, value in item.items())
            plan.changes.append(Change(kind, key, "create", fields, index))
            continue
        changed = tuple(
            FieldChange(name, old.get(name), value)
            for name, value in item.items()
            if old.get(name) != value
        )
        if changed:
            plan.changes.append(Change(kind, key, "update", changed, index))
    missing = [key for key in existing if key not in seen]
    if kind == "users":
        missing = [key for key in missing if existing[key]["active"]]
    if prune:
        plan.changes.extend(Change(kind, key, "delete") for key in missing)
    elif missing:
        plan.left_alone[kind] = len(missing)


def _after(
    current: dict[str, list[dict[str, Any]]],
    desired: dict[str, list[dict[str, Any]]],
    kind: str,
    prune: bool,
) -> set[str]:
    """The keys of `kind` that exist once the plan is applied."""
    if kind not in desired:
        return {key_of(kind, item) for item in current[kind]}
    wanted = {key_of(kind, item) for item in desired[kind]}
    if prune:
        return wanted
    return wanted | {key_of(kind, item) for item in current[kind]}


def _check_references(
    plan: Plan,
    current: dict[str, list[dict[str, Any]]],
    desired: dict[str, list[dict[str, Any]]],
    prune: bool,
    schedules: frozenset[str],
) -> None:
    def known(kind: str) -> set[str]:
        if kind == "schedules" and "schedules" not in desired:
            return set(schedules)
        return _after(current, desired, kind, prune)

    for index, schedule in enumerate(desired.get("schedules", [])):
        _ref(plan, ("schedules", index, "team"), schedule["team"], known("teams"), "team")
        for number, layer in enumerate(schedule["layers"]):
            for position, login in enumerate(layer["participants"]):
                if login not in known("users"):
                    at = ("schedules", index, "layers", number, "participants", position)
                    plan.problems.append(Problem(at, f"unknown user {login!r}"))

    for index, team in enumerate(desired.get("teams", [])):
        for position, login in enumerate(team["members"]):
            if login not in known("users"):
                plan.problems.append(
                    Problem(("teams", index, "members", position), f"unknown user {login!r}")
                )
    for index, policy in enumerate(desired.get("escalation_policies", [])):
        _ref(plan, ("escalation_policies", index, "team"), policy["team"], known("teams"), "team")
        for number, level in enumerate(policy["levels"]):
            for position, target in enumerate(level["targets"]):
                kind = next(name for name in ("user", "team", "schedule") if target.get(name))
                where: tuple[str | int, ...] = (
                    "escalation_policies",
                    index,
                    "levels",
                    number,
                    "targets",
                    position,
                    kind,
                )
                _ref(plan, where, target[kind], known(kind + "s"), kind)
    for index, service in enumerate(desired.get("services", [])):
        _ref(plan, ("services", index, "owner_team"), service["owner_team"], known("teams"), "team")
        _ref(
            plan,
            ("services", index, "escalation_policy"),
            service["escalation_policy"],
            known("escalation_policies"),
            "escalation policy",
        )
        for position, name in enumerate(service["depends_on"]):
            spot: tuple[str | int, ...] = ("services", index, "depends_on", position)
            if name == service["name"]:
                plan.problems.append(Problem(spot, "a service cannot depend on itself"))
            else:
                _ref(plan, spot, name, known("services"), "service")


def _ref(
    plan: Plan, where: tuple[str | int, ...], name: str | None, names: set[str], what: str
) -> None:
    if name is not None and name not in names:
        plan.problems.append(Problem(where, f"unknown {what} {name!r}"))


def to_data(plan: Plan) -> dict[str, Any]:
    """The plan as JSON data, for the API and `--json`."""
    return {
        "changes": [
            {
                "kind": change.kind,
                "name": change.key,
                "op": change.op,
                "fields": [{"name": f.name, "old": f.old, "new": f.new} for f in change.fields],
            }
            for change in plan.changes
        ],
        "counts": plan.counts(),
        "left_alone": plan.left_alone,
    }
