"""Errors of the notify stage."""

from __future__ import annotations

from watchkeeper.core.errors import FieldError, Invalid, NotFound


def method_not_found(ref: object) -> NotFound:
    return NotFound(f"no contact method {ref}")


def bad_address(kind: str, why: str) -> Invalid:
    return Invalid(f"not a usable {kind} address: {why}", errors=[FieldError("body.address", why)])


def wrong_code(tries_left: int | None = None) -> Invalid:
    detail = "wrong or expired code"
    if tries_left is not None:
        detail += f" ({tries_left} tries left with this code"
        detail += "; then send a new code)" if tries_left else ": send a new code)"
    return Invalid(detail, errors=[FieldError("body.code", "does not match")])


def code_locked() -> Invalid:
    return Invalid(
        "this code took five wrong tries and no longer works: send a new code",
        errors=[FieldError("body.code", "locked")],
    )


def rule_not_found(ref: object) -> NotFound:
    return NotFound(f"no notification rule {ref}")
