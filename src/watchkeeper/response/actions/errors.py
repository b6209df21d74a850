"""The errors action item use cases raise."""

from __future__ import annotations

from watchkeeper.core.errors import Conflict, FieldError, Invalid, NotFound


def not_found(item_id: int) -> NotFound:
    return NotFound(f"no action item {item_id}")


def unknown(field: str, what: str, ref: int) -> Invalid:
    return Invalid(f"no {what} {ref}", errors=[FieldError(f"body.{field}", f"no such {what}")])


def due_in_past(due_on: object, today: object) -> Invalid:
    return Invalid(
        f"the due date {due_on} is in the past (today is {today})",
        errors=[FieldError("body.due_on", "is in the past; give today or a later date")],
    )


def needs_reason() -> Invalid:
    return Invalid(
        "an action item that will not be done needs a reason",
        errors=[FieldError("body.wont_do_reason", "say why it will not be done")],
    )


def transition(status: str, target: str, allowed: list[str]) -> Conflict:
    return Conflict(
        f"an action item that is {status} cannot become {target}; allowed: {', '.join(allowed)}",
        extra={"status": status, "allowed": allowed},
    )
