"""What the API accepts and returns for users."""

from __future__ import annotations

import re
import unicodedata
import zoneinfo
from datetime import datetime
from typing import Annotated, NewType

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from watchkeeper.catalog.users.roles import Role
from watchkeeper.core.ids import Id
from watchkeeper.core.patch import Patch
from watchkeeper.core.text import NonBlank
from watchkeeper.core.validation import described

LOGIN_PATTERN = described(
    r"^[a-z0-9][a-z0-9._-]{1,63}$",
    "use 2 to 64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit",
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 10
MAX_PASSWORD = 256


# A login as stored and as counted by the login throttle; only `normalize_login` makes one.
LoginName = NewType("LoginName", str)


def normalize_login(text: str) -> LoginName:
    """The one spelling of a login: compatibility forms folded (full-width letters,
    no-break spaces), then trimmed and lower-cased. Lookup and throttling both use it,
    so `" Alice"`, `"alice\t"` and a full-width `ALICE` are one account with one budget
    of failures."""
    return LoginName(unicodedata.normalize("NFKC", text).strip().lower())


def _login(value: object) -> object:
    return normalize_login(value) if isinstance(value, str) else value


def _lower(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


def _check_email(value: str | None) -> str | None:
    if value is not None and not _EMAIL.match(value):
        raise ValueError("not an email address")
    return value


def _check_zone(value: str) -> str:
    if value not in zoneinfo.available_timezones():
        raise ValueError("unknown time zone; use an IANA name such as Europe/Paris")
    return value


Login = Annotated[str, BeforeValidator(_login), Field(pattern=LOGIN_PATTERN)]
Email = Annotated[str | None, BeforeValidator(_lower), AfterValidator(_check_email)]
TimeZone = Annotated[str, AfterValidator(_check_zone)]
Password = Annotated[str, Field(min_length=MIN_PASSWORD, max_length=MAX_PASSWORD)]
DisplayName = Annotated[NonBlank, Field(max_length=200)]


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    login: Login = Field(description="Lower-case letters, digits, `.`, `_`, `-`; 2-64 chars.")
    name: DisplayName
    email: Email = None
    role: Role = Role.RESPONDER
    password: Password | None = Field(
        default=None,
        description="Initial password. Omit it to get a one-time password in the response; "
        "the user must change it at first login.",
    )
    time_zone: TimeZone = "UTC"
    team_ids: list[Id] = Field(default_factory=list)


class UserUpdate(Patch):
    nullable = frozenset({"email"})

    name: DisplayName | None = None
    email: Email = None
    role: Role | None = None
    is_active: bool | None = None
    time_zone: TimeZone | None = None


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    current_password: str = Field(max_length=MAX_PASSWORD)
    new_password: Password
    revoke_tokens: bool = Field(
        default=False,
        description="Also revoke all your API tokens, the one making this call included. "
        "Your other web sessions end in any case.",
    )


class UserOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    login: str
    name: str
    email: str | None
    role: Role
    is_active: bool
    must_change_password: bool
    time_zone: str
    team_ids: list[int] = Field(default_factory=list)
    created_at: datetime
    updated_at: datetime


class UserCreated(UserOut):
    initial_password: str | None = Field(
        default=None, description="Present only when the server chose the password; shown once."
    )
