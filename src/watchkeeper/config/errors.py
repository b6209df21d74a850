"""Config errors: each names the object and field at fault, so a reader finds the line."""

from __future__ import annotations

from watchkeeper.core.errors import FieldError, Invalid


def config_invalid(problems: list[tuple[str, str]]) -> Invalid:
    """`problems` are (dotted path, message); the API and CLI add file and line."""
    first = problems[0]
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return Invalid(
        f"the configuration is not valid: {first[0]}: {first[1]}{more}",
        errors=[FieldError(path, message) for path, message in problems],
    )
