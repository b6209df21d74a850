"""A small JSONPath subset for HTTP assertions: `$.a.b`, `$.items[0].ok`, `$["odd key"]`.

Enough to point at one value in a health endpoint's answer; filters and wildcards are
left out on purpose (an assertion must name one value).
"""

from __future__ import annotations

import json
import re
from typing import Any

_STEP = re.compile(r"""\.([A-Za-z_][\w-]*)|\[(\d+)\]|\[["']([^"']*)["']\]""")
Step = str | int


def parse(path: str) -> list[Step]:
    """The steps of `path`, or ValueError naming what is wrong."""
    if not path.startswith("$"):
        raise ValueError("must start with $, e.g. $.status")
    steps: list[Step] = []
    at = 1
    while at < len(path):
        found = _STEP.match(path, at)
        if found is None:
            raise ValueError(f"cannot read it from position {at}: use .name, [0] or ['name']")
        name, index, quoted = found.groups()
        steps.append(int(index) if index is not None else (name if name is not None else quoted))
        at = found.end()
    return steps


def find(document: Any, path: str) -> Any:
    """The value at `path`, or KeyError when there is none."""
    value = document
    for step in parse(path):
        in_list = isinstance(step, int) and isinstance(value, list) and step < len(value)
        if in_list or (isinstance(step, str) and isinstance(value, dict) and step in value):
            value = value[step]
        else:
            raise KeyError(step)
    return value


def as_text(value: Any) -> str:
    """How an expected value is written: strings bare, everything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value)
