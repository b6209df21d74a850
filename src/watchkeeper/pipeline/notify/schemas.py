"""What the API accepts and returns for contact methods and notification rules."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field

from watchkeeper.core.ids import Id
from watchkeeper.db.sealing import Sealer, Unreadable
from watchkeeper.pipeline.notify.models import ContactMethod

Kind = Literal["email", "apprise", "webhook"]
Urgency = Literal["high", "low"]
# Shown for a value sealed under another secret key: the method has to be added again.
UNREADABLE = "(unreadable: sealed under another secret key; add this method again)"


class ContactMethodIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Kind
    address: str = Field(
        min_length=3,
        max_length=2000,
        description="An email address, an Apprise URL (e.g. `ntfy://ntfy.sh/topic`) or a "
        "webhook URL (https).",
    )
    label: str = Field(default="", max_length=100)


class ContactMethodOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    user_id: int
    kind: str
    address: str
    label: str
    verified_at: datetime | None
    created_at: datetime

    @classmethod
    def shown(cls, method: ContactMethod, sealer: Sealer) -> Self:
        """What its owner sees: the stored (sealed) address opened."""
        out = cls.model_validate(method)
        return out.model_copy(update={"address": opened(sealer, method.address)})


class ContactMethodCreated(ContactMethodOut):
    secret: str | None = Field(
        default=None, description="Webhooks: the signing secret (`whsec_...`), shown once."
    )

    @classmethod
    def shown(cls, method: ContactMethod, sealer: Sealer) -> Self:
        out = super().shown(method, sealer)
        return out.model_copy(update={"secret": method.secret and opened(sealer, method.secret)})


def opened(sealer: Sealer, sealed: str) -> str:
    try:
        return sealer.open(sealed)
    except Unreadable:
        return UNREADABLE


class VerifyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=4, max_length=12)


class RuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    urgency: Urgency
    contact_method_id: Id
    delay_minutes: int = Field(default=0, ge=0, le=1440)


class RuleOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    user_id: int
    urgency: str
    contact_method_id: int
    delay_minutes: int


class PreferencesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    handoff: bool = Field(description="Tell me when an on-call shift of mine starts.")


class NotificationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    incident_id: int | None
    user_id: int
    contact_method_id: int
    status: str
    due_at: datetime
    attempts: int
    attempted_at: datetime | None
    sent_at: datetime | None
    carried_by_id: int | None = Field(
        default=None, description="Bundled: the message that carried this one."
    )
    answer: str | None = Field(description="What the channel said about the last attempt.")
