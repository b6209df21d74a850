"""Pydantic's validation errors as people should read them: one short sentence per field.

Pydantic's own text carries library internals ("Value error, ...", "[type=value_error,
input_value=None ...]", "For further information visit https://errors.pydantic.dev/...")
and repeats itself (a union reports each branch). The API's problem+json, the web forms
and the CLI all show these sentences instead.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# What a pattern asks for, in words: schemas register their patterns with `described`.
_PATTERNS: dict[str, str] = {}


def described(pattern: str, words: str) -> str:
    """`pattern`, remembered with the words that say what it asks for ("use P1 to P5")."""
    _PATTERNS[pattern] = words
    return pattern


# Parts of a location that name a pydantic schema, not a field (e.g. union branches).
_SCHEMA_PARTS = {
    "function-after",
    "function-before",
    "function-wrap",
    "json-or-python",
    "lax-or-strict",
    "tagged-union",
    "constrained-str",
    "str",
    "int",
    "float",
    "bool",
    "none",
}


def _ctx(error: Mapping[str, Any], name: str) -> Any:
    return (error.get("ctx") or {}).get(name)


def _too_short(e: Mapping[str, Any]) -> str:
    least = _ctx(e, "min_length")
    if least in (None, 1):
        return "cannot be blank"
    return f"needs at least {least} characters"


def _few_items(e: Mapping[str, Any]) -> str:
    least = _ctx(e, "min_length")
    return f"needs at least {least} item{'s' if least != 1 else ''}"


def _own_words(e: Mapping[str, Any]) -> str:
    """A validator's own message (ours), without pydantic's "Value error, " prefix."""
    found = _ctx(e, "error")
    text = str(found) if found is not None else str(e.get("msg", ""))
    return text.removeprefix("Value error, ").removeprefix("Assertion failed, ")


_PHRASES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "missing": lambda e: "is required",
    "string_too_short": _too_short,
    "string_too_long": lambda e: f"can be at most {_ctx(e, 'max_length')} characters",
    "string_pattern_mismatch": lambda e: _PATTERNS.get(
        str(_ctx(e, "pattern")), "has characters that are not allowed here"
    ),
    "string_type": lambda e: "must be text",
    "too_short": _few_items,
    "too_long": lambda e: f"can have at most {_ctx(e, 'max_length')} items",
    "int_parsing": lambda e: "must be a whole number",
    "int_type": lambda e: "must be a whole number",
    "int_from_float": lambda e: "must be a whole number",
    "float_parsing": lambda e: "must be a number",
    "float_type": lambda e: "must be a number",
    "bool_parsing": lambda e: "must be true or false",
    "bool_type": lambda e: "must be true or false",
    "greater_than_equal": lambda e: f"must be at least {_ctx(e, 'ge')}",
    "greater_than": lambda e: f"must be more than {_ctx(e, 'gt')}",
    "less_than_equal": lambda e: f"must be at most {_ctx(e, 'le')}",
    "less_than": lambda e: f"must be less than {_ctx(e, 'lt')}",
    "literal_error": lambda e: f"must be {_ctx(e, 'expected')}",
    "enum": lambda e: f"must be {_ctx(e, 'expected')}",
    "extra_forbidden": lambda e: "is not a field of this request",
    "datetime_parsing": lambda e: "must be a date and time such as 2026-03-14T09:30:00Z",
    "datetime_from_date_parsing": lambda e: "must be a date and time such as 2026-03-14T09:30:00Z",
    "datetime_type": lambda e: "must be a date and time such as 2026-03-14T09:30:00Z",
    "timezone_aware": lambda e: "needs a time zone (Z or +hh:mm)",
    "timezone_naive": lambda e: "must not have a time zone",
    "date_parsing": lambda e: "must be a date such as 2026-03-14",
    "time_parsing": lambda e: "must be a time of day such as 09:00",
    "list_type": lambda e: "must be a list",
    "dict_type": lambda e: "must be an object",
    "model_type": lambda e: "must be an object",
    "model_attributes_type": lambda e: "must be an object",
    "json_invalid": lambda e: "is not valid JSON",
    "url_parsing": lambda e: "must be a URL",
    "url_scheme": lambda e: "must be an http or https URL",
    "value_error": _own_words,
    "assertion_error": _own_words,
}


def phrase(error: Mapping[str, Any]) -> str:
    """What is wrong, e.g. "cannot be blank", without the field's name."""
    make = _PHRASES.get(str(error.get("type", "")))
    if make is not None:
        return make(error)
    return _own_words(error)  # pydantic's message alone: never the input, type or URL


def location(error: Mapping[str, Any]) -> str:
    """The dotted path of the field (e.g. `body.team_ids.0`), without schema parts."""
    parts = [
        str(part)
        for part in error.get("loc", ())
        if not (isinstance(part, str) and ("[" in part or part in _SCHEMA_PARTS))
    ]
    return ".".join(parts)


@dataclass(frozen=True)
class FieldProblem:
    location: str  # dotted, as pydantic located it (with any prefix the caller added)
    field: str  # the field the form or body names: the location without body/query/path
    phrase: str

    @property
    def sentence(self) -> str:
        """One line for people: "Time zone: unknown time zone; use an IANA name ..."."""
        if not self.field:
            return self.phrase[:1].upper() + self.phrase[1:]
        label = self.field.replace("_", " ").replace(".", " ")
        return f"{label[:1].upper()}{label[1:]}: {self.phrase}"


_ORIGINS = ("body", "query", "path", "header", "cookie")


def problems(errors: Iterable[Mapping[str, Any]]) -> list[FieldProblem]:
    """One problem per field, in the order pydantic found them (a union's other branches,
    and any further errors of the same field, are left out)."""
    seen: dict[str, FieldProblem] = {}
    for error in errors:
        where = location(error)
        if where in seen:
            continue
        head, _, rest = where.partition(".")
        field = rest if head in _ORIGINS else where
        seen[where] = FieldProblem(where, field, phrase(error))
    return list(seen.values())
