"""The configuration file: what `watchkeeper export` writes and `plan`/`apply` read.

Objects name each other by their natural keys (a user's login, a team's, service's,
policy's or schedule's name, a category's path), never by ids, so a file moves between
installations. A field left out takes its default, as a new object would: the file says
the whole of each object it lists. `config_schema()` is the JSON Schema editors use.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from watchkeeper.catalog.services.schemas import GroupBy, GroupWindow, Impact, ServiceName, Tags
from watchkeeper.catalog.teams.schemas import Description, TeamName
from watchkeeper.catalog.users.roles import Role
from watchkeeper.catalog.users.schemas import DisplayName, Email, Login, TimeZone
from watchkeeper.core.alert_priority import DEFAULT_SERVICE_IMPACT
from watchkeeper.core.text import NonBlank
from watchkeeper.oncall.schedules.schemas import (
    LayerName,
    LocalDateTime,
    Restrictions,
    Rotation,
    ScheduleName,
    WallClock,
)

VERSION: Literal[1] = 1
SCHEMA_ID = "urn:watchkeeper:config:v1"
KINDS = ("users", "teams", "categories", "schedules", "escalation_policies", "services")
"""The kinds a file holds, in the order `apply` creates them (deletes go the other way)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UserConfig(_Strict):
    login: Login
    name: DisplayName
    email: Email = None
    role: Role = Role.RESPONDER
    time_zone: TimeZone = "UTC"
    active: bool = True


class TeamConfig(_Strict):
    name: TeamName
    description: Description = ""
    members: list[Login] = Field(default_factory=list, description="Logins of its members.")


class CategoryConfig(_Strict):
    path: Annotated[
        NonBlank,
        Field(
            max_length=210,
            pattern=r"^[^>]+( > [^>]+)?$",
            description='"Network" or "Network > DNS": two levels at most.',
        ),
    ]
    description: str = Field(default="", max_length=2000)


class LayerConfig(_Strict):
    """A rotation; `start` and `end` are wall times in the schedule's zone. Listed from the
    highest layer (it wins where layers overlap) to the lowest."""

    name: LayerName
    participants: list[Login] = Field(min_length=1, max_length=100, description="Logins.")
    rotation: Rotation
    rotation_length: int = Field(default=1, ge=1, le=24 * 365)
    handoff_time: WallClock = "09:00"
    start: LocalDateTime
    end: LocalDateTime | None = None
    restrictions: Restrictions = Field(default_factory=list)


class ScheduleConfig(_Strict):
    name: ScheduleName
    description: Description = ""
    team: str | None = Field(default=None, description="The owning team's name.")
    time_zone: TimeZone
    layers: list[LayerConfig] = Field(default_factory=list, max_length=20)


class TargetConfig(_Strict):
    """Exactly one of `user` (a login), `team` or `schedule` (a name)."""

    user: str | None = None
    team: str | None = None
    schedule: str | None = None

    @model_validator(mode="after")
    def _one(self) -> TargetConfig:
        given = [name for name in ("user", "team", "schedule") if getattr(self, name)]
        if len(given) != 1:
            raise ValueError("name exactly one of user, team or schedule")
        return self

    @property
    def kind(self) -> Literal["user", "team", "schedule"]:
        return "user" if self.user else "team" if self.team else "schedule"

    @property
    def ref(self) -> str:
        return self.user or self.team or self.schedule or ""


class LevelConfig(_Strict):
    targets: list[TargetConfig] = Field(min_length=1, max_length=20)
    delay_minutes: int = Field(default=30, ge=1, le=1440)


class PolicyConfig(_Strict):
    name: Annotated[NonBlank, Field(max_length=100)]
    description: str = Field(default="", max_length=2000)
    team: str | None = Field(default=None, description="The owning team's name.")
    repeat: int = Field(default=0, ge=0, le=9)
    levels: list[LevelConfig] = Field(min_length=1, max_length=20)


class ServiceConfig(_Strict):
    name: ServiceName
    description: Description = ""
    owner_team: str | None = Field(default=None, description="The owning team's name.")
    escalation_policy: str | None = Field(default=None, description="The policy's name.")
    tags: Tags = Field(default_factory=list)
    depends_on: list[str] = Field(default_factory=list, description="Names of services.")
    auto_resolve: bool = True
    group_by: GroupBy = Field(default_factory=list)
    group_window_minutes: GroupWindow = 60
    default_impact: Impact = DEFAULT_SERVICE_IMPACT


class ConfigFile(_Strict):
    """A whole configuration; a kind left out is a kind the file does not manage."""

    version: Literal[1] = VERSION
    users: list[UserConfig] | None = None
    teams: list[TeamConfig] | None = None
    categories: list[CategoryConfig] | None = None
    schedules: list[ScheduleConfig] | None = None
    escalation_policies: list[PolicyConfig] | None = None
    services: list[ServiceConfig] | None = None


KEYS = {
    "users": "login",
    "teams": "name",
    "categories": "path",
    "schedules": "name",
    "escalation_policies": "name",
    "services": "name",
}


def key_of(kind: str, item: dict[str, Any]) -> str:
    return str(item[KEYS[kind]])


def config_schema() -> dict[str, Any]:
    schema = ConfigFile.model_json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
        "title": "Watchkeeper configuration",
    }
