"""Subscribers in and out of the API and the subscribe form."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from watchkeeper.core.ids import Id
from watchkeeper.core.text import NonBlank
from watchkeeper.core.urls import is_safe_link

Kind = Literal["email", "webhook"]


def _web_link(value: str) -> str:
    if not (is_safe_link(value) and value.lower().startswith(("http://", "https://"))):
        raise ValueError("must be an http or https URL")
    return value


WebhookUrl = Annotated[NonBlank, Field(max_length=500), AfterValidator(_web_link)]


class SubscribeIn(BaseModel):
    """Exactly one of `email` and `webhook_url`; no components: the whole page."""

    model_config = ConfigDict(extra="forbid")
    email: Annotated[NonBlank, Field(max_length=254)] | None = None
    webhook_url: WebhookUrl | None = None
    component_ids: Annotated[list[Id], Field(max_length=200)] = Field(default_factory=list)


class SubscriberOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    kind: Kind
    address: str
    confirmed: bool
    component_ids: list[int]
    created_at: datetime
    confirmed_at: datetime | None


class SubscribedOut(BaseModel):
    """What a new subscriber is told: a webhook's signing secret is shown only here."""

    status: Literal["confirmation_sent", "subscribed"]
    secret: str | None = None
