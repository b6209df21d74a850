"""Errors of the escalation stage."""

from __future__ import annotations

from watchkeeper.core.errors import Conflict, FieldError, Invalid, NotFound


def policy_not_found(ref: object) -> NotFound:
    return NotFound(f"no escalation policy {ref}")


def name_taken(name: str) -> Conflict:
    return Conflict(
        f"an escalation policy named {name!r} exists", errors=[FieldError("body.name", "taken")]
    )


def unknown_target(kind: str, ref: int, where: str) -> Invalid:
    return Invalid(f"no {kind} {ref}", errors=[FieldError(where, f"no such {kind}")])


def policy_in_use(names: list[str]) -> Conflict:
    return Conflict("the policy is used by services: " + ", ".join(names))


def still_used(what: str, users: list[str]) -> Conflict:
    """409 naming every user, so the admin knows what to change first."""
    return Conflict(f"{what} is still used by {', '.join(users)}; change those first")


def not_escalating(incident_id: int) -> Conflict:
    return Conflict(
        f"#{incident_id} has no escalation running: it is acknowledged, its policy has run "
        "out, or its service has none"
    )


def nobody_to_page() -> Invalid:
    return Invalid("name at least one user, team, schedule or policy to page")


def nobody_reached() -> Invalid:
    return Invalid("nobody to page: the targets have no active users or nobody on call")
