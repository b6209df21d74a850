"""Errors of the schedules domain."""

from __future__ import annotations

from watchkeeper.core.errors import Conflict, FieldError, Invalid, NotFound


def schedule_not_found(ref: object) -> NotFound:
    return NotFound(f"no schedule {ref}")


def ambiguous_name(name: str) -> Invalid:
    return Invalid(f"several schedules are named {name!r} in some case; use the id")


def layer_not_found(layer_id: int, schedule_id: int) -> NotFound:
    return NotFound(f"no layer {layer_id} in schedule {schedule_id}")


def override_not_found(override_id: int, schedule_id: int) -> NotFound:
    return NotFound(f"no override {override_id} in schedule {schedule_id}")


def name_taken(name: str) -> Conflict:
    return Conflict(
        f"a schedule named {name!r} exists", errors=[FieldError("body.name", "already in use")]
    )


def position_taken(position: int) -> Conflict:
    return Conflict(
        f"this schedule has a layer at position {position}",
        errors=[FieldError("body.position", "already in use; pick another")],
    )


def unknown_users(user_ids: list[int], field: str) -> Invalid:
    return Invalid(
        "unknown user ids: " + ", ".join(map(str, user_ids)),
        errors=[FieldError(f"body.{field}", "no such user")],
    )


def unknown_team(team_id: int) -> Invalid:
    return Invalid(f"no team {team_id}", errors=[FieldError("body.owner_team_id", "no such team")])


def empty_override() -> Invalid:
    return Invalid(
        "an override ends after it starts",
        errors=[FieldError("body.ends_at", "must come after starts_at")],
    )


def bad_range(detail: str, location: str = "query.end") -> Invalid:
    return Invalid(detail, errors=[FieldError(location, detail)])


def invalid_layer(messages: list[tuple[str, str]]) -> Invalid:
    summary = "; ".join(f"{where}: {what}" for where, what in messages[:3])
    return Invalid(
        f"invalid layer: {summary}",
        errors=[FieldError(f"body.{where}" if where else "body", what) for where, what in messages],
    )
