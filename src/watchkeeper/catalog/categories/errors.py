"""Errors of the category tree."""

from __future__ import annotations

from watchkeeper.core.errors import Conflict, FieldError, Invalid, NotFound


def category_not_found(ref: object) -> NotFound:
    return NotFound(f"no category {ref}")


def too_deep() -> Invalid:
    return Invalid(
        "categories have two levels: the parent must be a top-level category",
        errors=[FieldError("body.parent_id", "not a top-level category")],
    )


def path_taken(path: str) -> Conflict:
    return Conflict(f"the category {path!r} exists", errors=[FieldError("body.name", "taken")])
