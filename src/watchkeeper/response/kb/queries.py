"""The read side of the knowledge base: lists, the API view, history and diffs, and
full-text search (`search_articles`, also for callers outside this package).

Search uses what each database has: an FTS5 table ranked by bm25 on SQLite, a stored,
GIN-indexed tsvector ranked by ts_rank on PostgreSQL (both made by migration 0026,
outside the models). The title counts more than the body on both."""

from __future__ import annotations

import difflib
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from html import escape
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from watchkeeper.response.kb.models import Article, ArticleCategory, ArticleService, ArticleVersion
from watchkeeper.response.kb.schemas import ArticleOut, DiffOut, Hit, VersionOut
from watchkeeper.response.kb.service import version

MAX_TERMS = 12
MAX_LIMIT = 100
# Ranking costs microseconds per matching article; a query matching more than this many
# ranks the newest this many of them (a word in thousands of articles says little).
RANKED = 500
SQLITE_TABLE = "kb_articles_fts"
PG_DOCUMENT = "search_vector"
# Marks around matched words in a database's snippet. Control characters never reach
# stored text (input refuses them), so they cannot collide with what authors wrote.
_OPEN, _CLOSE = "\x02", "\x03"
_WORD = re.compile(r"\w+", re.UNICODE)


def list_(session: Session, *, tag: str | None = None, limit: int = 500) -> Sequence[Article]:
    """The most recently changed articles; with `tag`, those carrying it (tags are JSON,
    read the same way on both databases: ids and tags first, then the rows wanted)."""
    newest = (Article.updated_at.desc(), Article.id.desc())
    if tag is None:
        return session.scalars(select(Article).order_by(*newest).limit(limit)).all()
    tagged = [
        article_id
        for article_id, tags in session.execute(select(Article.id, Article.tags).order_by(*newest))
        if tag in (tags or ())
    ][:limit]
    found = by_ids(session, tagged)
    return [found[i] for i in tagged if i in found]


def out(session: Session, article: Article) -> ArticleOut:
    return out_many(session, [article])[0]


def out_many(session: Session, articles: Sequence[Article]) -> list[ArticleOut]:
    ids = [a.id for a in articles]
    services: dict[int, list[int]] = defaultdict(list)
    categories: dict[int, list[int]] = defaultdict(list)
    if ids:
        for article_id, service_id in session.execute(
            select(ArticleService.article_id, ArticleService.service_id).where(
                ArticleService.article_id.in_(ids)
            )
        ):
            services[article_id].append(service_id)
        for article_id, category_id in session.execute(
            select(ArticleCategory.article_id, ArticleCategory.category_id).where(
                ArticleCategory.article_id.in_(ids)
            )
        ):
            categories[article_id].append(category_id)
    return [
        ArticleOut(
            id=a.id,
            path=a.path,
            title=a.title,
            body=a.body,
            tags=list(a.tags),
            owner_team_id=a.owner_team_id,
            service_ids=sorted(services[a.id]),
            category_ids=sorted(categories[a.id]),
            matchers=list(a.matchers),
            version=a.version,
            created_at=a.created_at,
            updated_at=a.updated_at,
        )
        for a in articles
    ]


def by_ids(session: Session, ids: Iterable[int]) -> dict[int, Article]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {a.id: a for a in session.scalars(select(Article).where(Article.id.in_(wanted)))}


def versions(session: Session, *, article_id: int) -> list[VersionOut]:
    rows = session.scalars(
        select(ArticleVersion)
        .where(ArticleVersion.article_id == article_id)
        .order_by(ArticleVersion.number.desc())
    ).all()
    return [
        VersionOut(
            number=row.number,
            title=row.title,
            author=row.author,
            note=row.note,
            created_at=row.created_at,
        )
        for row in rows
    ]


def diff(session: Session, *, article_id: int, old: int, new: int) -> DiffOut:
    """What changed in the title and body from version `old` to version `new`."""
    before = version(session, article_id=article_id, number=old)
    after = version(session, article_id=article_id, number=new)
    lines = difflib.unified_diff(
        [f"# {before.title}", "", *before.body.splitlines()],
        [f"# {after.title}", "", *after.body.splitlines()],
        fromfile=f"version {old}",
        tofile=f"version {new}",
        lineterm="",
    )
    return DiffOut(article_id=article_id, old=old, new=new, diff="\n".join(lines))


def terms(q: str) -> list[str]:
    return [word.lower() for word in _WORD.findall(q)][:MAX_TERMS]


def search_articles(
    session: Session, q: str, limit: int = 20, *, any_word: bool = False
) -> list[Hit]:
    """Articles matching `q`, best first, each with a snippet (HTML, matched words marked).

    By default every word must be in the article (words match as prefixes, so `disk`
    finds `disks`); `any_word` ranks articles holding any of them, for matching a long
    text such as an incident's description."""
    words = terms(q)
    if not words:
        return []
    limit = max(1, min(limit, MAX_LIMIT))
    if session.get_bind().dialect.name == "postgresql":
        rows = _postgresql(session, words, limit, any_word)
    else:
        rows = _sqlite(session, words, limit, any_word)
    return [
        Hit(
            id=row[0],
            title=row[1],
            tags=_tags(row[2]),
            snippet=snippet_html(row[3] or ""),
            rank=float(row[4]),
        )
        for row in rows
    ]


def snippet_html(raw: str) -> str:
    """Escape everything, then turn the database's marks into `<mark>` (in that order)."""
    return escape(raw).replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>")


def _tags(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(tag) for tag in value]
    if isinstance(value, str):
        loaded = json.loads(value)
        return [str(tag) for tag in loaded] if isinstance(loaded, list) else []
    return []


def _sqlite(
    session: Session, words: list[str], limit: int, any_word: bool
) -> Sequence[Sequence[Any]]:
    # Every word a prefix for a person's search; whole words for a long text, where
    # prefixes of short words ("the" in "them") would only add noise.
    match = (" OR " if any_word else " AND ").join(
        f'"{word}"' if any_word else f'"{word}"*' for word in words
    )
    floor = session.scalar(
        text(
            f"SELECT rowid FROM {SQLITE_TABLE} WHERE {SQLITE_TABLE} MATCH :match"
            " ORDER BY rowid DESC LIMIT 1 OFFSET :skip"
        ).bindparams(match=match, skip=RANKED - 1)
    )
    stmt = text(
        f"SELECT a.id, a.title, a.tags, snippet({SQLITE_TABLE}, -1, :open, :close, '…', 24),"
        f" bm25({SQLITE_TABLE}, 8.0, 1.0) AS score"
        f" FROM {SQLITE_TABLE} JOIN kb_articles a ON a.id = {SQLITE_TABLE}.rowid"
        f" WHERE {SQLITE_TABLE} MATCH :match AND {SQLITE_TABLE}.rowid >= :floor"
        " ORDER BY score LIMIT :limit"
    ).bindparams(open=_OPEN, close=_CLOSE, match=match, floor=floor or 0, limit=limit)
    # bm25 is lower for better matches; shown negated, so a higher rank is better on both.
    return [(r[0], r[1], r[2], r[3], -float(r[4])) for r in session.execute(stmt)]


def _postgresql(
    session: Session, words: list[str], limit: int, any_word: bool
) -> Sequence[Sequence[Any]]:
    query = (" | " if any_word else " & ").join(word if any_word else f"{word}:*" for word in words)
    options = f"StartSel={_OPEN}, StopSel={_CLOSE}, MaxWords=30, MinWords=12"
    floor = session.scalar(
        text(
            f"SELECT id FROM kb_articles WHERE {PG_DOCUMENT} @@ to_tsquery('english', :query)"
            " ORDER BY id DESC OFFSET :skip LIMIT 1"
        ).bindparams(query=query, skip=RANKED - 1)
    )
    # Rank and cut first, so the costly headline is made for the shown rows only.
    stmt = text(
        "WITH q AS (SELECT to_tsquery('english', :query) AS q),"
        f" top AS (SELECT a.id, a.title, a.tags, a.body, ts_rank(a.{PG_DOCUMENT}, q.q) AS score"
        f" FROM kb_articles a, q WHERE a.{PG_DOCUMENT} @@ q.q AND a.id >= :floor"
        " ORDER BY score DESC, a.id LIMIT :limit)"
        " SELECT top.id, top.title, top.tags,"
        " ts_headline('english', top.body, q.q, :options), top.score"
        " FROM top, q ORDER BY top.score DESC, top.id"
    ).bindparams(query=query, floor=floor or 0, limit=limit, options=options)
    return list(session.execute(stmt))
