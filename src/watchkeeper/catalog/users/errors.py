"""Errors of the users domain, worded for the person who caused them."""

from __future__ import annotations

from watchkeeper.core.errors import Conflict, FieldError, Invalid, NotFound


def user_not_found(ref: object) -> NotFound:
    return NotFound(f"no user {ref}")


def login_taken(login: str) -> Conflict:
    return Conflict(
        f"the login {login!r} is taken", errors=[FieldError("body.login", "already in use")]
    )


def email_taken(email: str) -> Conflict:
    return Conflict(
        f"the email {email!r} belongs to another user",
        errors=[FieldError("body.email", "already in use")],
    )


def last_admin() -> Conflict:
    return Conflict("this is the last active admin; make another user admin first")


def wrong_current_password() -> Invalid:
    return Invalid(
        "the current password is wrong",
        errors=[FieldError("body.current_password", "does not match")],
    )


def unknown_teams(team_ids: list[int]) -> Invalid:
    return Invalid(
        "unknown team ids: " + ", ".join(map(str, team_ids)),
        errors=[FieldError("body.team_ids", "no such team")],
    )
