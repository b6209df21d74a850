"""Errors of the incidents domain."""

from __future__ import annotations

from watchkeeper.core.errors import Conflict, FieldError, Invalid, NotFound


def incident_not_found(ref: object) -> NotFound:
    return NotFound(f"no incident #{ref}")


def read_only(number: int) -> Conflict:
    return Conflict(f"incident #{number} is closed and read-only")


def unknown_reference(field: str, what: str, ref: object) -> Invalid:
    return Invalid(f"no {what} {ref}", errors=[FieldError(f"body.{field}", f"no such {what}")])


def override_needs_reason() -> Invalid:
    return Invalid(
        "a priority override needs a reason",
        errors=[FieldError("body.priority_reason", "required with priority")],
    )


def closing_needs_resolution(priority: int) -> Invalid:
    return Invalid(
        f"closing a P{priority} incident needs a resolution code and resolution notes",
        errors=[
            FieldError("body.resolution_code", "required for P1 and P2"),
            FieldError("body.resolution_notes", "required for P1 and P2"),
        ],
    )


def reopen_window_over(number: int, days: int) -> Conflict:
    return Conflict(f"incident #{number} was resolved more than {days} days ago; declare a new one")


def cannot_merge(reason: str) -> Conflict:
    return Conflict(f"cannot merge: {reason}")


def cannot_link(reason: str) -> Conflict:
    return Conflict(f"cannot link: {reason}")


def task_not_found(task_id: int) -> NotFound:
    return NotFound(f"no task {task_id} on this incident")
