"""Errors of the noise-reduction rules: what is missing and which input is refused."""

from __future__ import annotations

from watchkeeper.core.errors import FieldError, Invalid, NotFound


def rule_not_found(rule_id: int) -> NotFound:
    return NotFound(f"no routing rule {rule_id}")


def silence_not_found(silence_id: int) -> NotFound:
    return NotFound(f"no silence {silence_id}")


def window_not_found(window_id: int) -> NotFound:
    return NotFound(f"no maintenance window {window_id}")


def inhibition_not_found(rule_id: int) -> NotFound:
    return NotFound(f"no inhibition rule {rule_id}")


def invalid(field: str, detail: str, message: str | None = None) -> Invalid:
    """Refused input at `body.<field>`; `message` is the field's note (default: `detail`)."""
    return Invalid(detail, errors=[FieldError(f"body.{field}", message or detail)])


def unknown(field: str, what: str, ref: int) -> Invalid:
    return invalid(field, f"no {what} {ref}", f"no such {what}")


def drop_and_suppress() -> Invalid:
    return invalid(
        "suppress",
        "a rule either drops an event or suppresses its alert, not both",
        "cannot be true together with drop",
    )


def silences_everything() -> Invalid:
    return invalid(
        "matchers",
        "a silence needs at least one matcher that an alert without labels would not match; "
        "these would silence every alert",
        "every matcher matches the empty label set",
    )


def payload_refused(field: str, message: str) -> Invalid:
    """The sample payload of a rules test does not fit its format."""
    location = "payload" if field == "body" else f"payload.{field}"
    return invalid(location, f"the payload is not valid: body.{location}: {message}", message)
