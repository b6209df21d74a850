"""Errors of status page subscriptions."""

from __future__ import annotations

from watchkeeper.core.errors import FieldError, Invalid, NotFound


def subscriber_not_found(ref: object) -> NotFound:
    return NotFound(f"no subscriber {ref} on this page")


def link_not_valid() -> NotFound:
    # One answer whether the token never existed or was used: nothing to probe.
    return NotFound("this link is not valid (any more)")


def invalid(field: str, detail: str, message: str) -> Invalid:
    return Invalid(detail, errors=[FieldError(f"body.{field}", message)])
