"""Typed domain errors; `web` maps them to HTTP in one place, the CLI to messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field, located by a dotted path (e.g. `body.login`)."""

    location: str
    message: str


@dataclass(eq=False)
class WatchkeeperError(Exception):
    """Base of every error that a user can cause and should be told about plainly."""

    detail: str
    errors: list[FieldError] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    status: ClassVar[int] = 500
    slug: ClassVar[str] = "error"
    title: ClassVar[str] = "Internal error"

    def __post_init__(self) -> None:
        super().__init__(self.detail)

    def __str__(self) -> str:
        return self.detail


class Invalid(WatchkeeperError):
    status = 422
    slug = "invalid"
    title = "Invalid input"


class BadRequest(WatchkeeperError):
    status = 400
    slug = "bad-request"
    title = "Malformed request"


class Unauthorized(WatchkeeperError):
    status = 401
    slug = "unauthorized"
    title = "Authentication required"


class Forbidden(WatchkeeperError):
    status = 403
    slug = "forbidden"
    title = "Not allowed"


class NotFound(WatchkeeperError):
    status = 404
    slug = "not-found"
    title = "Not found"


class Conflict(WatchkeeperError):
    status = 409
    slug = "conflict"
    title = "Conflict"


class TooManyRequests(WatchkeeperError):
    status = 429
    slug = "too-many-requests"
    title = "Too many requests"


class Unavailable(WatchkeeperError):
    status = 503
    slug = "unavailable"
    title = "Service unavailable"
