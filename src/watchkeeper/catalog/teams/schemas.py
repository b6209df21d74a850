"""What the API accepts and returns for teams."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from watchkeeper.core.ids import Id
from watchkeeper.core.patch import Patch
from watchkeeper.core.text import NonBlank
from watchkeeper.core.validation import described

SLUG_PATTERN = described(
    r"^[a-z0-9][a-z0-9-]{0,99}$", "use lower-case letters, digits and '-', up to 100"
)

TeamName = Annotated[NonBlank, Field(max_length=100)]
Slug = Annotated[str, Field(pattern=SLUG_PATTERN)]
Description = Annotated[str, Field(max_length=10_000)]


class TeamCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: TeamName
    slug: Slug | None = Field(
        default=None, description="URL name; derived from the name if absent."
    )
    description: Description = ""
    member_ids: list[Id] = Field(default_factory=list)


class TeamUpdate(Patch):
    name: TeamName | None = None
    slug: Slug | None = None
    description: Description | None = None


class MemberAdd(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: Id


class TeamOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    slug: str
    description: str
    member_ids: list[int] = Field(default_factory=list)
    created_at: datetime
    updated_at: datetime
