"""Errors of stakeholders and their updates."""

from __future__ import annotations

from watchkeeper.core.errors import Conflict, FieldError, Invalid, NotFound


def stakeholder_not_found(ref: object) -> NotFound:
    return NotFound(f"no stakeholder {ref} on this incident")


def rule_not_found(ref: object) -> NotFound:
    return NotFound(f"no stakeholder rule {ref}")


def template_not_found(ref: object) -> NotFound:
    return NotFound(f"no stakeholder update template {ref}")


def already_there() -> Conflict:
    return Conflict("already a stakeholder", errors=[FieldError("body", "already added")])


def template_taken(name: str) -> Conflict:
    return Conflict(
        f"a template is already named {name!r}", errors=[FieldError("body.name", "in use")]
    )


def invalid(field: str, detail: str, message: str) -> Invalid:
    return Invalid(detail, errors=[FieldError(f"body.{field}", message)])
