"""The weekly digest's opt-in and its preview, as the API speaks them."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class DigestChoice(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool


class DigestOut(BaseModel):
    enabled: bool
    last_week: str | None  # the ISO week of the last digest sent, in your zone


class DigestPreview(BaseModel):
    week: str
    subject: str
    body: str
