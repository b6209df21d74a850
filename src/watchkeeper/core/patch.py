"""Partial updates (PATCH): absent fields stay as they are; null only where it means "none"."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator


class Patch(BaseModel):
    """Base of PATCH bodies: refuses unknown fields, and null for fields that need a value."""

    model_config = ConfigDict(extra="forbid")

    # Fields where null is a real value (e.g. "no email"); every other field refuses it.
    nullable: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _refuse_null(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.field_name not in cls.nullable:
            raise ValueError("cannot be null; leave the field out to keep its value")
        return value
