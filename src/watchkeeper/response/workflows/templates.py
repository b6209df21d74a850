"""Rendering workflow templates in Jinja's sandbox, where a template can read the
incident it is given but reach nothing else, and an unknown name is an error, not blank.

Checked on save against a sample incident, so a template that cannot render is refused
then, not discovered at 3 a.m."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from jinja2 import StrictUndefined, Template, TemplateError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

MAX_OUTPUT = 64 * 1024


class _Sandbox(SandboxedEnvironment):
    """Jinja's sandbox, without `**`: `9**9**9` would keep a core busy for hours."""

    intercepted_binops = frozenset({"**"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            raise SecurityError("powers (**) are not allowed in templates")
        return super().call_binop(context, operator, left, right)


_ENV = _Sandbox(undefined=StrictUndefined, autoescape=False)

SAMPLE: dict[str, Any] = {
    "incident": {
        "number": 1,
        "id": 1,
        "title": "Checkout latency above 2 s",
        "priority": "P2",
        "status": "triggered",
        "impact": 2,
        "urgency": 2,
        "service": "checkout",
        "service_id": 1,
        "category": "",
        "tags": [],
        "url": "https://watchkeeper.example.com/incidents/1",
        "created_at": "2026-01-01T00:00:00+00:00",
        "drill": False,
    },
    "event": {"kind": "created", "summary": "declared #1", "at": "2026-01-01T00:00:00+00:00"},
    "workflow": {"id": 1, "name": "sample"},
    "labels": {"alertname": "HighLatency", "severity": "critical"},
}


class Unrenderable(Exception):
    """The template has an error (syntax, unknown name, not JSON where JSON is needed)."""


@lru_cache(maxsize=512)
def _compiled(source: str) -> Template:
    """Compiling costs milliseconds; workflows render the same few templates over and over."""
    return _ENV.from_string(source)


def render(source: str, context: dict[str, Any]) -> str:
    try:
        text = _compiled(source).render(context)
    except TemplateError as exc:
        raise Unrenderable(f"{type(exc).__name__}: {exc}") from exc
    except Exception as exc:  # e.g. {{ 1 / 0 }}: the template's error, said plainly
        raise Unrenderable(f"{type(exc).__name__}: {exc}") from exc
    if len(text) > MAX_OUTPUT:
        raise Unrenderable(f"renders to more than {MAX_OUTPUT} characters")
    return text


def render_json(source: str, context: dict[str, Any]) -> Any:
    text = render(source, context)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise Unrenderable(f"does not render to JSON ({exc.msg} at character {exc.pos})") from exc
    except RecursionError as exc:
        raise Unrenderable("does not render to JSON (nested too deeply)") from exc


def check(source: str, *, as_json: bool) -> None:
    """Raise Unrenderable when the template fails on the sample incident."""
    if as_json:
        render_json(source, SAMPLE)
    else:
        render(source, SAMPLE)
