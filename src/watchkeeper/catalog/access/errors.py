"""Errors of the access domain; deliberately vague where detail would help an attacker."""

from __future__ import annotations

from datetime import datetime

from watchkeeper.core.errors import Forbidden, NotFound, TooManyRequests, Unauthorized


def bad_credentials() -> Unauthorized:
    return Unauthorized("wrong login or password")


def bad_token() -> Unauthorized:
    return Unauthorized("the API token is unknown, expired or revoked")


def not_logged_in() -> Unauthorized:
    return Unauthorized("log in, or send `Authorization: Bearer <token>`")


def token_above_owner() -> Forbidden:
    return Forbidden("a token cannot have a higher role than its owner")


def token_outlives_parent(parent_expires_at: datetime) -> Forbidden:
    return Forbidden(
        "a token cannot outlive the token that creates it, which expires at "
        f"{parent_expires_at.isoformat()}; ask for a shorter lifetime"
    )


def token_not_found(token_id: int) -> NotFound:
    return NotFound(f"no API token {token_id}")


def throttled(retry_after: int) -> TooManyRequests:
    return TooManyRequests(
        f"too many failed logins; try again in {retry_after} seconds",
        extra={"retry_after": retry_after},
    )


def password_change_required() -> Forbidden:
    return Forbidden("choose your own password first (POST /api/v1/me/password)")


def csrf_failed() -> Forbidden:
    return Forbidden("the form has expired or did not come from this site; reload and retry")
