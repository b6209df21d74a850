"""Errors of status pages."""

from __future__ import annotations

from watchkeeper.core.errors import Conflict, FieldError, Invalid, NotFound


def page_not_found(ref: object) -> NotFound:
    return NotFound(f"no status page {ref}")


def component_not_found(ref: object) -> NotFound:
    return NotFound(f"no component {ref} on this page")


def group_not_found(ref: object) -> NotFound:
    return NotFound(f"no component group {ref} on this page")


def incident_not_found(ref: object) -> NotFound:
    return NotFound(f"no public incident {ref} on this page")


def template_not_found(ref: object) -> NotFound:
    return NotFound(f"no update template {ref}")


def update_not_found(ref: object) -> NotFound:
    return NotFound(f"no draft update {ref} on this incident")


def slug_taken(slug: str) -> Conflict:
    return Conflict(
        f"a status page with slug {slug!r} exists",
        errors=[FieldError("body.slug", "already in use")],
    )


def domain_taken(domain: str) -> Conflict:
    return Conflict(
        f"another status page is served at {domain!r}",
        errors=[FieldError("body.custom_domain", "already in use")],
    )


def template_name_taken(name: str) -> Conflict:
    return Conflict(
        f"a template named {name!r} exists", errors=[FieldError("body.name", "already in use")]
    )


def invalid(field: str, detail: str, message: str) -> Invalid:
    return Invalid(detail, errors=[FieldError(f"body.{field}", message)])
