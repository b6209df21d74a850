"""The errors problem use cases raise."""

from __future__ import annotations

from watchkeeper.core.errors import Conflict, FieldError, Invalid, NotFound


def not_found(problem_id: int) -> NotFound:
    return NotFound(f"no problem PRB-{problem_id}")


def no_incident(incident_id: int) -> Invalid:
    return Invalid(
        f"no incident #{incident_id}", errors=[FieldError("body.incident_ids", "no such incident")]
    )


def needs_workaround() -> Invalid:
    return Invalid(
        "a known error needs a workaround",
        errors=[FieldError("body.workaround", "say how to work around it")],
    )


def transition(status: str, target: str, allowed: list[str]) -> Conflict:
    return Conflict(
        f"a problem that is {status} cannot become {target}; allowed: {', '.join(allowed)}",
        extra={"status": status, "allowed": allowed},
    )
