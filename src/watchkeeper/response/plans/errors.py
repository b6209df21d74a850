"""The errors response-plan use cases raise, each naming the field to fix."""

from __future__ import annotations

from watchkeeper.core.errors import Conflict, FieldError, Invalid, NotFound


def not_found(plan_id: int) -> NotFound:
    return NotFound(f"no response plan {plan_id}")


def unknown(field: str, what: str, value: int) -> Invalid:
    return Invalid(
        f"no {what} {value}; nothing was changed",
        errors=[FieldError(f"body.{field}", f"no such {what}")],
    )


def name_taken(name: str) -> Conflict:
    return Conflict(f"a response plan named {name!r} exists already")


def bad_range(low: int, high: int) -> Invalid:
    return Invalid(
        f"priority_min P{low} is above priority_max P{high}",
        errors=[FieldError("body.priority_min", "must not be above priority_max")],
    )
