"""The errors drill use cases raise."""

from __future__ import annotations

from watchkeeper.core.errors import Conflict, FieldError, Invalid, NotFound


def not_found(drill_id: int) -> NotFound:
    return NotFound(f"no drill {drill_id}")


def name_taken(name: str) -> Conflict:
    return Conflict(f"a drill named {name!r} exists already")


def unknown_service(service_id: int) -> Invalid:
    return Invalid(
        f"no service {service_id}", errors=[FieldError("body.service_id", "no such service")]
    )


def bad_cron(cron: str, problem: str) -> Invalid:
    return Invalid(
        f"the cron expression {cron!r} does not parse: {problem}",
        errors=[FieldError("body.cron", f"{problem}; e.g. 0 10 * * mon")],
    )
