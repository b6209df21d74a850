"""`/api/v1/kb`: knowledge-base articles, their versions and diffs, search, a preview
renderer for the editor, and folder import/export (docs/knowledge.md)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from watchkeeper.core.ids import Id
from watchkeeper.response.kb import imports, queries
from watchkeeper.response.kb import service as kb
from watchkeeper.response.kb.render import render
from watchkeeper.response.kb.schemas import (
    ArticleIn,
    ArticleOut,
    ArticleSummary,
    ArticleUpdate,
    DiffOut,
    Hit,
    ImportFile,
    ImportIn,
    ImportOut,
    RenderIn,
    RenderOut,
    VersionDetail,
    VersionOut,
)
from watchkeeper.web.api.v1.incidents import actor_of
from watchkeeper.web.deps import ApiResponder, ApiViewer, DbSession, Now

router = APIRouter(prefix="/kb", tags=["knowledge base"])
Number = Annotated[int, Query(ge=1, le=1_000_000)]


class RestoreIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    number: Annotated[int, Field(ge=1, le=1_000_000)]


@router.get("/articles", summary="List articles, most recently changed first")
def list_articles(
    _: ApiViewer,
    session: DbSession,
    tag: Annotated[str | None, Query(max_length=50)] = None,
) -> list[ArticleSummary]:
    return [
        ArticleSummary(
            id=a.id, title=a.title, tags=a.tags, version=a.version, updated_at=a.updated_at
        )
        for a in queries.list_(session, tag=tag)
    ]


@router.post("/articles", status_code=201, summary="Write an article (version 1)")
def create_article(
    principal: ApiResponder, session: DbSession, now: Now, body: ArticleIn, response: Response
) -> ArticleOut:
    article = kb.create(session, data=body, actor=actor_of(principal), now=now)
    response.headers["Location"] = f"/api/v1/kb/articles/{article.id}"
    return queries.out(session, article)


@router.get("/search", summary="Full-text search, best first, with highlighted snippets")
def search(
    _: ApiViewer,
    session: DbSession,
    q: Annotated[str, Query(min_length=1, max_length=500)],
    limit: Annotated[int, Query(ge=1, le=queries.MAX_LIMIT)] = 20,
) -> list[Hit]:
    return queries.search_articles(session, q, limit)


@router.get("/articles/{article_id}", summary="One article")
def get_article(_: ApiViewer, session: DbSession, article_id: Id) -> ArticleOut:
    return queries.out(session, kb.get(session, article_id=article_id))


@router.patch("/articles/{article_id}", summary="Edit an article (a new version if it changed)")
def update_article(
    principal: ApiResponder, session: DbSession, now: Now, article_id: Id, body: ArticleUpdate
) -> ArticleOut:
    article = kb.update(
        session, article_id=article_id, data=body, actor=actor_of(principal), now=now
    )
    return queries.out(session, article)


@router.delete("/articles/{article_id}", status_code=204, summary="Delete an article")
def delete_article(_: ApiResponder, session: DbSession, article_id: Id) -> None:
    kb.remove(session, article_id=article_id)


@router.get("/articles/{article_id}/versions", summary="An article's versions, newest first")
def list_versions(_: ApiViewer, session: DbSession, article_id: Id) -> list[VersionOut]:
    kb.get(session, article_id=article_id)
    return queries.versions(session, article_id=article_id)


@router.get("/articles/{article_id}/versions/{number}", summary="What one version said")
def get_version(_: ApiViewer, session: DbSession, article_id: Id, number: Id) -> VersionDetail:
    row = kb.version(session, article_id=article_id, number=number)
    return VersionDetail.model_validate(row, from_attributes=True)


@router.get("/articles/{article_id}/diff", summary="Unified diff between two versions")
def diff(_: ApiViewer, session: DbSession, article_id: Id, old: Number, new: Number) -> DiffOut:
    return queries.diff(session, article_id=article_id, old=old, new=new)


@router.post("/articles/{article_id}/restore", summary="Restore a version (as a new one)")
def restore(
    principal: ApiResponder, session: DbSession, now: Now, article_id: Id, body: RestoreIn
) -> ArticleOut:
    article = kb.restore(
        session, article_id=article_id, number=body.number, actor=actor_of(principal), now=now
    )
    return queries.out(session, article)


@router.post("/render", summary="Render Markdown as an article would show it (preview)")
def render_preview(_: ApiViewer, body: RenderIn) -> RenderOut:
    return RenderOut(html=render(body.body))


@router.post("/import", summary="Import Markdown files: by path, all or nothing")
def import_files(
    principal: ApiResponder, session: DbSession, now: Now, body: ImportIn
) -> ImportOut:
    return imports.import_files(session, data=body, actor=actor_of(principal), now=now)


@router.get("/export", summary="Every article as a Markdown file's fields")
def export_files(_: ApiViewer, session: DbSession) -> list[ImportFile]:
    return imports.export_files(session)
