"""Errors of the teams domain."""

from __future__ import annotations

from watchkeeper.core.errors import Conflict, FieldError, Invalid, NotFound


def team_not_found(ref: object) -> NotFound:
    return NotFound(f"no team {ref}")


def slug_taken(slug: str) -> Conflict:
    return Conflict(
        f"a team with slug {slug!r} exists", errors=[FieldError("body.slug", "already in use")]
    )


def unknown_users(user_ids: list[int], field: str = "member_ids") -> Invalid:
    return Invalid(
        "unknown user ids: " + ", ".join(map(str, user_ids)),
        errors=[FieldError(f"body.{field}", "no such user")],
    )


def unnamed_slug(name: str) -> Invalid:
    return Invalid(
        f"cannot derive a slug from {name!r}; give one",
        errors=[FieldError("body.slug", "required for this name")],
    )
