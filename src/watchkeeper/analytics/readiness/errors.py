"""Errors of readiness checks and the simulator: which input is refused, and why."""

from __future__ import annotations

from watchkeeper.core.errors import FieldError, Invalid, Unavailable


def invalid(field: str, detail: str, message: str | None = None) -> Invalid:
    """Refused input at `body.<field>`; `message` is the field's note (default: `detail`)."""
    return Invalid(detail, errors=[FieldError(f"body.{field}", message or detail)])


def unknown(field: str, what: str, ref: int) -> Invalid:
    return invalid(field, f"no {what} {ref}", f"no such {what}")


def unknown_team(team_id: int) -> Invalid:
    return Invalid(f"no team {team_id}", errors=[FieldError("query.team_id", "no such team")])


def busy() -> Unavailable:
    return Unavailable("the service's events are being correlated right now; retry shortly")
