"""The errors knowledge-base use cases raise, each naming what to fix."""

from __future__ import annotations

from watchkeeper.core.errors import FieldError, Invalid, NotFound


def not_found(article_id: int) -> NotFound:
    return NotFound(f"no article {article_id}")


def no_version(article_id: int, number: int) -> NotFound:
    return NotFound(f"article {article_id} has no version {number}")


def unknown(field: str, what: str, value: int | str) -> Invalid:
    return Invalid(
        f"{field}: no {what} {value}", errors=[FieldError(f"body.{field}", f"no {what}")]
    )


def bad_file(path: str, field: str, message: str) -> Invalid:
    """An import file that cannot be taken; the import as a whole then takes nothing."""
    return Invalid(
        f"{path}: {field}: {message}; nothing was imported",
        errors=[FieldError(f"body.files[{path}].{field}", message)],
        extra={"file": path},
    )


def duplicate_path(path: str) -> Invalid:
    return Invalid(
        f"{path} is given twice; nothing was imported",
        errors=[FieldError("body.files", f"{path} twice")],
    )
