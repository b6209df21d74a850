"""Row ids as input: bounded to what every database we run on can store.

PostgreSQL's INTEGER holds up to 2^31-1 and SQLite's up to 2^63-1; a larger number in a
path, a query or a body used to reach the driver and fail there (a 500). Every id the API
or the UI accepts is one of these types, so the bound shows in the OpenAPI schema too.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, TypeAdapter, ValidationError

from watchkeeper.core.errors import FieldError, Invalid

MAX_ID = 2**31 - 1

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
"""A row id: 1 to 2^31-1."""

After = Annotated[int, Field(ge=0, le=MAX_ID)]
"""A position in id order: 0 (before the first row) to 2^31-1."""

Count = Annotated[int, Field(ge=0, le=MAX_ID)]
"""A non-negative number that a database INTEGER column holds."""


_ID = TypeAdapter(Id)


def parse_id(text: str, *, location: str) -> int:
    """An id typed by a person (a UI filter or form field); Invalid naming `location`."""
    try:
        return _ID.validate_python(text.strip(), strict=False)
    except ValidationError as exc:
        message = f"must be a whole number from 1 to {MAX_ID}"
        raise Invalid(
            f"{location.rpartition('.')[2]}: {message}", errors=[FieldError(location, message)]
        ) from exc
