"""Errors of the service catalog."""

from __future__ import annotations

from watchkeeper.core.errors import Conflict, FieldError, Invalid, NotFound


def service_not_found(ref: object) -> NotFound:
    return NotFound(f"no service {ref}")


def slug_taken(slug: str) -> Conflict:
    return Conflict(
        f"a service with slug {slug!r} exists", errors=[FieldError("body.slug", "already in use")]
    )


def unknown_services(ids: list[int]) -> Invalid:
    return Invalid(
        "unknown service ids: " + ", ".join(map(str, ids)),
        errors=[FieldError("body.depends_on", "no such service")],
    )


def unknown_team(team_id: int) -> Invalid:
    return Invalid(f"no team {team_id}", errors=[FieldError("body.owner_team_id", "no such team")])


def dependency_cycle(path: list[str]) -> Invalid:
    return Invalid(
        "dependencies may not form a cycle: " + " -> ".join(path),
        errors=[FieldError("body.depends_on", "would create a cycle")],
    )


def unnamed_slug(name: str) -> Invalid:
    return Invalid(
        f"cannot derive a slug from {name!r}; give one",
        errors=[FieldError("body.slug", "required for this name")],
    )
