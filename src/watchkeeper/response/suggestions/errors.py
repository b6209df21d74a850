"""The errors suggestion use cases raise, each a sentence a person can act on."""

from __future__ import annotations

from watchkeeper.core.errors import Conflict, FieldError, Invalid, NotFound


def none_yet(incident_id: int) -> NotFound:
    return NotFound(
        f"incident #{incident_id} has no suggestion yet: the engine adds one once a model "
        "is trained from resolved incidents"
    )


def nothing_to_accept(incident_id: int, fields: list[str]) -> Conflict:
    return Conflict(
        f"incident #{incident_id} has no suggested {', '.join(fields)} to accept",
        extra={"fields": fields},
    )


def empty_correction() -> Invalid:
    return Invalid(
        "give at least one of category_id, impact, urgency",
        errors=[FieldError("body", "give at least one of category_id, impact, urgency")],
    )
