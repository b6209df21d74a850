"""Errors of the notify stage."""

from __future__ import annotations

from watchkeeper.core.errors import FieldError, Invalid, NotFound


def method_not_found(ref: object) -> NotFound:
    return NotFound(f"no contact method {ref}")


def bad_address(kind: str, why: str) -> Invalid:
    return Invalid(f"not a usable {kind} address: {why}", errors=[FieldError("body.address", why)])


def wrong_code() -> Invalid:
    return Invalid("wrong or expired code", errors=[FieldError("body.code", "does not match")])


def rule_not_found(ref: object) -> NotFound:
    return NotFound(f"no notification rule {ref}")
