"""The problem+json body as an OpenAPI schema, so clients see what errors look like."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class ProblemFieldError(BaseModel):
    location: str = Field(description="Where: `body.<field>`, `query.<name>`, `path.<name>`.")
    detail: str
    pointer: str | None = Field(default=None, description="JSON pointer into the body.")


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str = Field(description="`/problems/<slug>`; the page there explains it.")
    title: str
    status: int
    detail: str
    instance: str
    errors: list[ProblemFieldError] | None = None


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "model": Problem,
        "content": {"application/problem+json": {}},
    }


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _problem("Malformed request (e.g. invalid JSON)"),
    401: _problem("Missing or invalid credentials"),
    403: _problem("Role or token scope too low, or CSRF token missing"),
    404: _problem("Not found"),
    409: _problem("Conflicts with the current state"),
    422: _problem("Invalid values"),
}
