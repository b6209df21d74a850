"""What the API accepts and returns for API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from watchkeeper.catalog.users.roles import Role
from watchkeeper.core.ids import Id
from watchkeeper.core.text import NonBlank


class TokenCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Annotated[NonBlank, Field(max_length=100, description="What the token is for.")]
    role: Role | None = Field(
        default=None, description="Scope; at most the owner's role (the default)."
    )
    expires_in_days: int | None = Field(
        default=90,
        ge=1,
        le=3650,
        description="Lifetime in days; null for a token that never expires. A token made "
        "with a token expires no later than it: a longer lifetime is refused, the default "
        "shortened.",
    )
    user_id: Id | None = Field(
        default=None, description="Owner; admins may create tokens for others. Default: you."
    )


class TokenOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    user_id: int
    name: str
    prefix: str = Field(description="The token's first characters, to recognise it.")
    role: Role
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    parent_id: int | None = Field(
        description="The token this one was made with, if any: it expires no later and "
        "is revoked with it."
    )


class TokenCreated(TokenOut):
    token: str = Field(description="The secret; shown only in this response.")
