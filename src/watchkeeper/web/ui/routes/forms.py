"""Form handling for the UI: validate posts with pydantic, run the change, collect errors."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData
from starlette.requests import Request

from watchkeeper.core.errors import WatchkeeperError
from watchkeeper.core.validation import problems
from watchkeeper.web.context import context_of
from watchkeeper.web.ui.refill import field_name

M = TypeVar("M", bound=BaseModel)
_WORDS = re.compile(r"[,\s]+")
T = TypeVar("T")


@dataclass
class Outcome(Generic[T]):
    """The result of a form post: a value, or the sentences to show above the form."""

    value: T | None = None
    errors: list[str] = field(default_factory=list)
    status: int = 422  # the domain error's own (409 for a conflict), for the page's status

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_form(model: type[M], form: FormData, *, lists: tuple[str, ...] = ()) -> M:
    """Validate a form against `model`; empty fields count as absent. A list field takes
    repeated inputs (checkboxes) or one text input of comma- or space-separated words."""
    data: dict[str, object] = {}
    for key in model.model_fields:
        if key in lists:
            values = [value for value in form.getlist(key) if isinstance(value, str)]
            data[key] = [word for value in values for word in _WORDS.split(value) if word]
        elif (value := form.get(key)) not in (None, ""):
            data[key] = value
    return model.model_validate(data)


def validation_messages(exc: ValidationError, request: Request | None = None) -> list[str]:
    """One short sentence per field, e.g. "Time zone: unknown time zone; use ...". With the
    request, each field's problem is also kept for the page to show beside the field."""
    found = problems(exc.errors())
    if request is not None:
        _remember(request, {item.location: item.phrase for item in found})
    return [item.sentence for item in found]


def _remember(request: Request, by_location: dict[str, str]) -> None:
    kept: dict[str, str] = getattr(request.state, "form_problems", {})
    for where, phrase in by_location.items():
        kept.setdefault(field_name(where), phrase)
    request.state.form_problems = kept


def attempt(request: Request, work: Callable[[Session], T]) -> Outcome[T]:
    """Run `work` in its own transaction; a domain error becomes a message, not a crash."""
    try:
        return Outcome(value=context_of(request).database.run(work))
    except WatchkeeperError as exc:
        _remember(request, {error.location: error.message for error in exc.errors})
        return Outcome(errors=messages_of(exc), status=exc.status)


def messages_of(exc: WatchkeeperError) -> list[str]:
    """The error's detail, then what its field errors add (nothing said twice)."""
    said = [exc.detail]
    for error in exc.errors:
        if not any(error.message in line for line in said):
            said.append(error.message)
    return said


def submit(
    request: Request,
    model: type[M],
    form: FormData,
    action: Callable[[Session, M], T],
    *,
    lists: tuple[str, ...] = (),
) -> Outcome[T]:
    """Validate the form as `model`, then run `action` with it in a transaction."""
    try:
        data = parse_form(model, form, lists=lists)
    except ValidationError as exc:
        return Outcome(errors=validation_messages(exc, request))
    return attempt(request, lambda session: action(session, data))


def text_of(form: FormData, key: str) -> str:
    """A typed value as text (stripped), for a message about the save."""
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


def called(form: FormData, before: str = "") -> str:
    """ " SRE" for a form whose name is SRE, so a message reads "Team SRE created"."""
    name = text_of(form, "name")
    return f"{before} {name}" if name else ""
