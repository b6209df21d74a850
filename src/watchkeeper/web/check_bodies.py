"""Check definitions as people write them: JSON, or YAML with a YAML content type (the
API), or YAML typed into the web form. Read here once for both."""

from __future__ import annotations

import json
from typing import Any

import yaml

from watchkeeper.core.errors import BadRequest, FieldError, Invalid
from watchkeeper.core.text import problems_in

YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml")


def read(raw: bytes | str, *, yaml_text: bool) -> Any:
    """The decoded document; BadRequest says where it cannot be read, Invalid names any
    control characters (the rule every JSON body follows)."""
    try:
        data = yaml.safe_load(raw) if yaml_text else json.loads(raw)
    except yaml.YAMLError as exc:
        raise BadRequest(f"the request body is not valid YAML ({_reason(exc)})") from None
    except ValueError:
        raise BadRequest("the request body is not valid JSON") from None
    found = [FieldError(where, message) for where, message in problems_in(data, "body")]
    if found:
        raise Invalid(f"invalid input: {found[0].location}: {found[0].message}", errors=found)
    return data


def _reason(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or "cannot be read"
    return f"{problem} at line {mark.line + 1}" if mark is not None else str(problem)
