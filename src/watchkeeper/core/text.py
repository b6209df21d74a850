"""Text a person or a client sends: no control characters that no later stage should hold.

NUL cannot be stored by PostgreSQL at all, a lone surrogate cannot be encoded as UTF-8,
and the other C0 controls (escape, backspace, bell...) rewrite terminals and logs when
the text is shown. Tab, line feed and carriage return are ordinary text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any

from pydantic import AfterValidator, StringConstraints

# A name, title or reason: surrounding whitespace is stripped, and what is left may not be
# empty, so "   " is refused like "" (by the API, the web forms and the CLI alike, since
# they all validate with the same schemas). Give the length as `Field(max_length=...)`.
NonBlank = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def unix_newlines(value: str) -> str:
    """Line breaks as LF: browsers send a textarea's lines with CRLF, so the same text
    saved again from a form would otherwise differ from what the API stored."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


# Free text over several lines (descriptions, notes): stored with LF line breaks only.
Multiline = Annotated[str, AfterValidator(unix_newlines)]

_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|[\ud800-\udfff]")


def problem_in(value: str) -> str | None:
    """Why `value` is refused, or None when it is acceptable text."""
    found = _FORBIDDEN.search(value)
    if found is None:
        return None
    char = found.group()
    if char == "\x00":
        return "must not contain NUL characters"
    if "\ud800" <= char <= "\udfff":
        return "is not valid Unicode (lone surrogate)"
    return f"must not contain control characters (found U+{ord(char):04X})"


def problems_in(data: Any, location: str) -> Iterator[tuple[str, str]]:
    """(location, message) for each refused string in decoded JSON, keys included.

    Walks without recursion so that a deeply nested body cannot exhaust the stack.
    """
    stack: list[tuple[str, Any]] = [(location, data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, str):
            if (message := problem_in(value)) is not None:
                yield where, message
        elif isinstance(value, dict):
            for key, item in value.items():
                if (message := problem_in(str(key))) is not None:
                    yield where, message
                else:
                    stack.append((f"{where}.{key}", item))
        elif isinstance(value, list):
            stack.extend((f"{where}.{index}", item) for index, item in enumerate(value))


# A spreadsheet reads a cell starting with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert_cell(value: object) -> object:
    """`value` for a CSV cell, with a leading `'` when a spreadsheet would run it."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value
