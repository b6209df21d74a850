"""What the API accepts and returns for categories."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from watchkeeper.core.ids import Id
from watchkeeper.core.patch import Patch
from watchkeeper.core.text import NonBlank
from watchkeeper.core.validation import described

CategoryName = Annotated[
    NonBlank, Field(max_length=100, pattern=described(r"^[^>]+$", "must not contain '>'"))
]


class CategoryCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: CategoryName
    parent_id: Id | None = Field(default=None, description="A top-level category, or none.")
    description: str = Field(default="", max_length=2000)


class CategoryUpdate(Patch):
    name: CategoryName | None = None
    description: str | None = Field(default=None, max_length=2000)


class CategoryOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    parent_id: int | None
    path: str
    description: str
