"""What the API accepts and returns for knowledge-base articles."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from watchkeeper.core import matchers
from watchkeeper.core.ids import Id
from watchkeeper.core.patch import Patch
from watchkeeper.core.text import Multiline, NonBlank

Title = Annotated[NonBlank, Field(max_length=255)]
Body = Annotated[Multiline, Field(max_length=200_000)]
Tag = Annotated[NonBlank, Field(max_length=50)]


def _matcher(text: str) -> str:
    """Stored as written, once it parses, in the canonical form `name="value"`."""
    return str(matchers.parse(text))


MatcherText = Annotated[NonBlank, Field(max_length=600), AfterValidator(_matcher)]


def _relative(path: str) -> str:
    """A file's place inside the imported folder: no way out of it, forward slashes."""
    parts = path.split("/")
    if path.startswith("/") or "\\" in path or any(p in ("", ".", "..") for p in parts):
        raise ValueError("must be a relative path inside the folder, like net/dns.md")
    if not path.endswith(".md"):
        raise ValueError("must be a .md file")
    return path


Path = Annotated[NonBlank, Field(max_length=500), AfterValidator(_relative)]


class ArticleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    body: Body = ""
    tags: list[Tag] = Field(default_factory=list, max_length=30)
    owner_team_id: Id | None = None
    service_ids: list[Id] = Field(default_factory=list, max_length=100)
    category_ids: list[Id] = Field(default_factory=list, max_length=100)
    matchers: list[MatcherText] = Field(
        default_factory=list, max_length=20, description='Alert label matchers: `alertname="X"`.'
    )


class ArticleUpdate(Patch):
    nullable = frozenset({"owner_team_id"})

    title: Title | None = None
    body: Body | None = None
    tags: list[Tag] | None = Field(default=None, max_length=30)
    owner_team_id: Id | None = None
    service_ids: list[Id] | None = Field(default=None, max_length=100)
    category_ids: list[Id] | None = Field(default=None, max_length=100)
    matchers: list[MatcherText] | None = Field(default=None, max_length=20)
    note: Annotated[str, Field(max_length=255)] = Field(
        default="", description="Why: kept with the version."
    )


class ArticleOut(BaseModel):
    id: int
    path: str | None
    title: str
    body: str
    tags: list[str]
    owner_team_id: int | None
    service_ids: list[int]
    category_ids: list[int]
    matchers: list[str]
    version: int
    created_at: datetime
    updated_at: datetime


class ArticleSummary(BaseModel):
    id: int
    title: str
    tags: list[str]
    version: int
    updated_at: datetime


class Hit(BaseModel):
    """A search result; `snippet` is HTML: the text escaped, matched words in `<mark>`."""

    id: int
    title: str
    tags: list[str]
    snippet: str
    rank: float


class VersionOut(BaseModel):
    number: int
    title: str
    author: str
    note: str
    created_at: datetime


class VersionDetail(VersionOut):
    body: str
    tags: list[str]
    matchers: list[str]
    service_ids: list[int]
    category_ids: list[int]
    owner_team_id: int | None


class DiffOut(BaseModel):
    """A unified diff of the article's title and body between two versions."""

    article_id: int
    old: int
    new: int
    diff: str


class RenderIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: Body


class RenderOut(BaseModel):
    html: str


class ImportFile(BaseModel):
    """One Markdown file of a folder, as the CLI read it (front matter already parsed)."""

    model_config = ConfigDict(extra="forbid")

    path: Path
    title: Annotated[str, Field(max_length=255)] = ""
    body: Body = ""
    tags: list[Tag] = Field(default_factory=list, max_length=30)
    team: Annotated[str, Field(max_length=100)] = ""
    services: list[Annotated[NonBlank, Field(max_length=100)]] = Field(default_factory=list)
    categories: list[Annotated[NonBlank, Field(max_length=100)]] = Field(default_factory=list)
    alerts: list[Annotated[str, Field(max_length=600)]] = Field(default_factory=list)


class ImportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    files: list[ImportFile] = Field(max_length=5_000)


class ImportOut(BaseModel):
    created: list[str]
    updated: list[str]
    unchanged: list[str]
