"""The errors workflow use cases raise."""

from __future__ import annotations

from watchkeeper.core.errors import Conflict, FieldError, Invalid, NotFound


def not_found(workflow_id: int) -> NotFound:
    return NotFound(f"no workflow {workflow_id}")


def name_taken(name: str) -> Conflict:
    return Conflict(f"a workflow named {name!r} exists already")


def unknown(location: str, what: str, ref: int) -> Invalid:
    return Invalid(f"no {what} {ref}", errors=[FieldError(location, f"no such {what}")])


def template(location: str, problem: str) -> Invalid:
    return Invalid(
        f"the template at {location} does not render: {problem}",
        errors=[FieldError(location, problem)],
    )


def url_refused(location: str, problem: str) -> Invalid:
    return Invalid(
        f"the outbound guard refuses this URL: {problem}", errors=[FieldError(location, problem)]
    )
