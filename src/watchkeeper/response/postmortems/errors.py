"""The errors postmortem use cases raise, each a sentence a person can act on."""

from __future__ import annotations

from watchkeeper.core.errors import Conflict, FieldError, Invalid, NotFound


def not_found(postmortem_id: int) -> NotFound:
    return NotFound(f"no postmortem {postmortem_id}")


def none_for(incident_id: int) -> NotFound:
    return NotFound(f"incident #{incident_id} has no postmortem yet")


def exists(incident_id: int, postmortem_id: int) -> Conflict:
    return Conflict(
        f"incident #{incident_id} already has postmortem {postmortem_id}",
        extra={"postmortem_id": postmortem_id},
    )


def covered(incident_id: int) -> Invalid:
    return Invalid(
        f"incident #{incident_id} is already covered by another postmortem",
        errors=[FieldError("body.also_incident_ids", "already covered by another postmortem")],
    )


def no_such_incident(incident_id: int) -> Invalid:
    return Invalid(
        f"no incident #{incident_id}",
        errors=[FieldError("body.also_incident_ids", "no such incident")],
    )


def no_entry(incident_id: int, entry_id: int) -> NotFound:
    return NotFound(f"incident #{incident_id} has no timeline entry {entry_id}")


def transition(action: str, status: str, allowed: list[str]) -> Conflict:
    said = ", ".join(allowed) or "none: it is published"
    return Conflict(
        f"cannot {action} a postmortem that is {status}; allowed: {said}",
        extra={"status": status, "allowed": allowed},
    )


def published() -> Conflict:
    return Conflict("a published postmortem cannot be edited; only its public flag and summary")


def needs_reviewers() -> Conflict:
    return Conflict("ask at least one reviewer before submitting the postmortem for review")


def waiting_for(logins: list[str]) -> Conflict:
    return Conflict(
        f"still waiting for the approval of {', '.join(logins)}", extra={"waiting_for": logins}
    )


def not_a_reviewer(login: str) -> Conflict:
    return Conflict(f"{login} was not asked to review this postmortem")
