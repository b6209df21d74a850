"""What the API accepts and returns for action items."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from watchkeeper.core.ids import Id
from watchkeeper.core.patch import Patch
from watchkeeper.core.text import Multiline, NonBlank
from watchkeeper.incidents.schemas import PriorityLabel

Title = Annotated[NonBlank, Field(max_length=255)]
Description = Annotated[Multiline, Field(max_length=20_000)]
Reason = Annotated[NonBlank, Field(max_length=2_000)]


def _tracker_link(value: str) -> str:
    """A link to an issue tracker (Jira, GitHub, GitLab...): http or https only, since it
    is shown as a link."""
    if not value.lower().startswith(("http://", "https://")) or len(value.split("//", 1)[1]) < 1:
        raise ValueError(
            "use an http:// or https:// link, e.g. https://jira.example.com/browse/OPS-12"
        )
    return value


TrackerUrl = Annotated[str, Field(max_length=2_000), AfterValidator(_tracker_link)]


class Status(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    WONT_DO = "wont_do"


OPEN = (Status.OPEN, Status.IN_PROGRESS)


class ActionItemCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    description: Description = ""
    owner_id: Id
    team_id: Id | None = None
    due_on: date | None = Field(default=None, description="Not in the past (owner's calendar).")
    priority: PriorityLabel = "P3"
    external_url: TrackerUrl | None = Field(
        default=None, description="The same item in an external tracker."
    )
    postmortem_id: Id | None = None
    incident_id: Id | None = None
    problem_id: Id | None = None


class ActionItemUpdate(Patch):
    nullable = frozenset({"team_id", "due_on", "external_url"})

    title: Title | None = None
    description: Description | None = None
    owner_id: Id | None = None
    team_id: Id | None = None
    due_on: date | None = None
    priority: PriorityLabel | None = None
    external_url: TrackerUrl | None = None
    status: Status | None = None
    wont_do_reason: Reason | None = Field(default=None, description="Needed for `wont_do`.")


class ActionItemOut(BaseModel):
    id: int
    title: str
    description: str
    owner_id: int
    owner: str
    team_id: int | None
    due_on: date | None
    priority: str
    status: Status
    wont_do_reason: str
    external_url: str | None
    postmortem_id: int | None
    incident_id: int | None
    problem_id: int | None
    overdue: bool
    created_at: datetime
    updated_at: datetime
    done_at: datetime | None
